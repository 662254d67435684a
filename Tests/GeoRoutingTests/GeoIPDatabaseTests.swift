import Foundation
import Testing

@testable import GeoRouting

/// Lookups against MaxMind's GeoIP2-City-Test.mmdb (fetched by devops/fetch-test-data).
/// Expected values are from the same tarball's tests/data/source-data/GeoIP2-City-Test.json.
@Suite("GeoIPDatabase")
struct GeoIPDatabaseTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        let ip: String
        let countryCode: String
        let countryName: String
        let city: String?
        let latitude: Double
        let longitude: Double
        var testDescription: String { ip }
    }

    static let cities = [
        // JSON: "::81.2.69.142/127" London, GB, 51.5142 / -0.0931
        Expected(ip: "81.2.69.142", countryCode: "GB", countryName: "United Kingdom", city: "London",
                 latitude: 51.5142, longitude: -0.0931),
        // JSON: "::89.160.20.112/124" Linköping, SE, 58.4167 / 15.6167
        Expected(ip: "89.160.20.112", countryCode: "SE", countryName: "Sweden", city: "Linköping",
                 latitude: 58.4167, longitude: 15.6167),
        // JSON: "::216.160.83.56/125" Milton, US, 47.2513 / -122.3149
        Expected(ip: "216.160.83.56", countryCode: "US", countryName: "United States", city: "Milton",
                 latitude: 47.2513, longitude: -122.3149),
        // JSON: "::175.16.199.0/120" Changchun, CN, 43.88 / 125.3228
        Expected(ip: "175.16.199.255", countryCode: "CN", countryName: "China", city: "Changchun",
                 latitude: 43.88, longitude: 125.3228),
        // JSON: "2001:480:10::/48" San Diego, US, 32.7203 / -117.1552
        Expected(ip: "2001:480:10::1", countryCode: "US", countryName: "United States", city: "San Diego",
                 latitude: 32.7203, longitude: -117.1552),
        // JSON: "2001:218::/32" Japan, no city, 35.68536 / 139.75309
        Expected(ip: "2001:218:ffff::1", countryCode: "JP", countryName: "Japan", city: nil,
                 latitude: 35.68536, longitude: 139.75309),
        // IPv4 in IPv6 notation reaches the same record as 81.2.69.142.
        Expected(ip: "::81.2.69.142", countryCode: "GB", countryName: "United Kingdom", city: "London",
                 latitude: 51.5142, longitude: -0.0931),
    ]

    @Test(arguments: cities)
    func cityLookup(expected: Expected) throws {
        let database = try GeoIPDatabase(path: geoIPTestDatabase())
        guard case .found(let location) = database.lookup(expected.ip) else {
            Issue.record("\(expected.ip): \(database.lookup(expected.ip))")
            return
        }
        #expect(location.countryCode == expected.countryCode)
        #expect(location.countryName == expected.countryName)
        #expect(location.cityName == expected.city)
        #expect(location.latitude == expected.latitude)
        #expect(location.longitude == expected.longitude)
        #expect(location.coordinate?.latitude == expected.latitude)
    }

    @Test func metadata() throws {
        let database = try GeoIPDatabase(path: geoIPTestDatabase())
        #expect(database.databaseType == "GeoIP2-City")
        #expect(database.buildEpoch > 1_300_000_000)
    }

    @Test(arguments: ["1.1.1.1", "10.0.0.1", "127.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "2c0f:ff00::1"])
    func unknownAddressesAreNotFound(ip: String) throws {
        let database = try GeoIPDatabase(path: geoIPTestDatabase())
        #expect(database.lookup(ip) == .notFound)
    }

    @Test(arguments: [
        "", "not an ip", "81.2.69", "81.2.69.142.1", "256.1.1.1", "127.1", "0x51.2.69.142", " 81.2.69.142",
        "81.2.69.142 ", "81.2.69.142:443", "[::1]", "fe80::1%eth0", "2001:480:10::1::2", "81.2.69.142\u{0}",
        "2001:0480:0010:0000:0000:0000:0000:0001:1", String(repeating: "1", count: 1000),
    ])
    func invalidStringsAreInvalidAddresses(ip: String) throws {
        let database = try GeoIPDatabase(path: geoIPTestDatabase())
        #expect(database.lookup(ip) == .invalidAddress)
    }

    @Test func ipv6LookupInIPv4OnlyDatabaseIsNotFound() throws {
        let database = try GeoIPDatabase(path: geoIPTestDatabase("MaxMind-DB-test-ipv4-24.mmdb"))
        #expect(database.lookup("2001:480:10::1") == .notFound)
    }

    @Test func concurrentLookupsAgree() async throws {
        let database = try GeoIPDatabase(path: geoIPTestDatabase())
        let cities = await withTaskGroup(of: String?.self) { group in
            for index in 0..<64 {
                group.addTask { database.lookup(index % 2 == 0 ? "81.2.69.142" : "2001:480:10::1").location?.cityName }
            }
            var names: [String?] = []
            for await name in group { names.append(name) }
            return names
        }
        #expect(cities.filter { $0 == "London" }.count == 32)
        #expect(cities.filter { $0 == "San Diego" }.count == 32)
    }

    @Test func missingFileIsFileMissing() {
        let path = "/nonexistent/edgemesh/GeoIP2-City.mmdb"
        #expect(throws: GeoIPError.openFailed(path: path, reason: .fileMissing)) { try GeoIPDatabase(path: path) }
    }

    @Test func directoryIsNotAFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        #expect(throws: GeoIPError.openFailed(path: directory, reason: .notAFile)) { try GeoIPDatabase(path: directory) }
    }

    @Test(arguments: [
        ("garbage", Array("this is not a MaxMind database\n".utf8)),
        ("empty", [UInt8]()),
        ("random", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }),
    ])
    func corruptFileIsInvalidDatabase(name: String, bytes: [UInt8]) throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let path = directory + "/\(name).mmdb"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            _ = try GeoIPDatabase(path: path)
            Issue.record("opening \(name) should fail")
        } catch {
            guard case .openFailed(let failedPath, .invalidDatabase(let detail)) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(failedPath == path)
            #expect(!detail.isEmpty)
            #expect(error.description.contains("not a valid MaxMind database"))
        }
    }

    @Test func brokenTestDatabasesDoNotCrash() throws {
        // MaxMind ships deliberately broken databases; opening or looking up must not trap.
        var opened = 0
        for name in ["GeoIP2-City-Test-Broken-Double-Format.mmdb", "MaxMind-DB-test-broken-pointers-24.mmdb",
                     "MaxMind-DB-test-broken-search-tree-24.mmdb", "GeoIP2-City-Test-Invalid-Node-Count.mmdb"]
        {
            let path = try geoIPTestDatabase(name)
            guard let database = try? GeoIPDatabase(path: path) else { continue }
            opened += 1
            for ip in ["1.1.1.1", "1.1.1.3", "2001:220::1", "81.2.69.142", "::1"] {
                let result = database.lookup(ip)
                #expect(result != .invalidAddress, "\(name) \(ip)")
            }
        }
        #expect(opened > 0)
    }
}
