import Testing

@testable import GeoRouting

@Suite("RegionSelector and haversine")
struct RegionSelectorTests {
    let selector = RegionSelector(configuration: .init(defaultRegion: id("us-east")))
    let allHealthy = Fixtures.all.map { RegionCandidate(region: $0, hasHealthyNode: true) }

    static func coordinate(_ lat: Double, _ lon: Double) -> GeoCoordinate {
        guard let value = try? GeoCoordinate(latitude: lat, longitude: lon) else { preconditionFailure("bad fixture") }
        return value
    }

    static let london = coordinate(51.5142, -0.0931)  // 81.2.69.142 in GeoIP2-City-Test
    static let milton = coordinate(47.2513, -122.3149)  // 216.160.83.56
    static let changchun = coordinate(43.88, 125.3228)  // 175.16.199.0

    @Test(arguments: [
        // Reference values from the same formula in Python (R = 6371.0088 km).
        (coordinate(0, 0), coordinate(0, 180), 20_015.114),  // half the circumference
        (coordinate(90, 0), coordinate(-90, 0), 20_015.114),
        (coordinate(0, 179.5), coordinate(0, -179.5), 111.195),  // across the antimeridian
        (london, Fixtures.euCentral.location, 635.436),
        (coordinate(10, 10), coordinate(10, 10), 0),
    ] as [(GeoCoordinate, GeoCoordinate, Double)])
    func haversine(a: GeoCoordinate, b: GeoCoordinate, km: Double) {
        #expect(abs(a.distanceKm(to: b) - km) < 0.01)
        #expect(abs(b.distanceKm(to: a) - km) < 0.01)
    }

    @Test(arguments: [(91.0, 0.0), (-90.5, 0.0), (0.0, 180.1), (Double.nan, 0.0), (0.0, .infinity)])
    func invalidCoordinates(lat: Double, lon: Double) {
        #expect(throws: GeoRoutingError.self) { try GeoCoordinate(latitude: lat, longitude: lon) }
    }

    @Test(arguments: [
        (london, "eu-central", 635.4),
        (milton, "us-west", 203.2),
        (changchun, "ap-southeast", 5184.5),
    ])
    func geoIPChoosesNearest(client: GeoCoordinate, expected: String, km: Double) throws {
        let decision = try #require(selector.select(candidates: allHealthy, clientLocation: client))
        #expect(decision.region.id == id(expected))
        #expect(decision.reason == .geoip)
        #expect(abs((decision.distanceKm ?? 0) - km) < 0.1)
        #expect(decision.rttMilliseconds == nil)
    }

    @Test func unhealthyRegionsAreSkipped() throws {
        let candidates = allHealthy.map {
            RegionCandidate(region: $0.region, hasHealthyNode: $0.region.id != id("eu-central"))
        }
        let decision = try #require(selector.select(candidates: candidates, clientLocation: Self.london))
        #expect(decision.region.id == id("us-east"))  // next nearest to London (5,920 km)
        #expect(decision.reason == .geoip)
    }

    @Test func rttHintsOutrankGeoIP() throws {
        let hints = try RTTHints.parse("us-west:23,eu-central:88")
        let decision = try #require(selector.select(candidates: allHealthy, clientLocation: Self.london, rttHints: hints))
        #expect(decision.region.id == id("us-west"))
        #expect(decision.reason == .rtt)
        #expect(decision.rttMilliseconds == 23)
        #expect(decision.distanceKm == nil)
    }

    @Test func rttHintsForUnavailableRegionsAreIgnored() throws {
        let candidates = allHealthy.map { RegionCandidate(region: $0.region, hasHealthyNode: $0.region.id != id("us-west")) }
        let onlyDown = try RTTHints.parse("us-west:5,mars-north:1")
        let geo = try #require(selector.select(candidates: candidates, clientLocation: Self.london, rttHints: onlyDown))
        #expect(geo.reason == .geoip)
        #expect(geo.region.id == id("eu-central"))
        let mixed = try RTTHints.parse("us-west:5,sa-east:140,eu-central:150")
        let rtt = try #require(selector.select(candidates: candidates, clientLocation: Self.london, rttHints: mixed))
        #expect(rtt.region.id == id("sa-east"))
        #expect(rtt.reason == .rtt)
    }

    @Test func rttTiesBreakByID() throws {
        let hints = try RTTHints.parse("us-west:40,eu-central:40")
        let decision = try #require(selector.select(candidates: allHealthy, clientLocation: nil, rttHints: hints))
        #expect(decision.region.id == id("eu-central"))
    }

    @Test func noLocationFallsBackToDefault() throws {
        let decision = try #require(selector.select(candidates: allHealthy, clientLocation: nil))
        #expect(decision.region.id == id("us-east"))
        #expect(decision.reason == .default)
        #expect(decision.distanceKm == nil && decision.rttMilliseconds == nil)
    }

    @Test func unhealthyDefaultFallsBackToNearestToDefault() throws {
        let candidates = allHealthy.map { RegionCandidate(region: $0.region, hasHealthyNode: $0.region.id != id("us-east")) }
        let decision = try #require(selector.select(candidates: candidates, clientLocation: nil))
        #expect(decision.region.id == id("us-west"))  // 3,700 km from Ashburn, nearer than Frankfurt or São Paulo
        #expect(decision.reason == .default)
    }

    @Test func unknownDefaultFallsBackToFirstByID() throws {
        let selector = RegionSelector(configuration: .init(defaultRegion: id("mars-north")))
        let decision = try #require(selector.select(candidates: allHealthy.reversed(), clientLocation: nil))
        #expect(decision.region.id == id("ap-southeast"))
        #expect(decision.reason == .default)
    }

    @Test func nothingHealthyGivesNil() {
        let candidates = allHealthy.map { RegionCandidate(region: $0.region, hasHealthyNode: false) }
        #expect(selector.select(candidates: candidates, clientLocation: Self.london) == nil)
        #expect(selector.select(candidates: [], clientLocation: Self.london) == nil)
    }

    /// GeoIP lookup feeding the selector, end to end on the MaxMind test database.
    @Test func geoIPDatabaseToDecision() throws {
        let database = try GeoIPDatabase(path: geoIPTestDatabase())
        let location = database.lookup("2001:480:10::1").location?.coordinate  // San Diego
        let decision = try #require(selector.select(candidates: allHealthy, clientLocation: location))
        #expect(decision.region.id == id("us-west"))
        #expect(decision.reason == .geoip)
        #expect(decision.description.hasPrefix("us-west (geoip distance="))
    }
}
