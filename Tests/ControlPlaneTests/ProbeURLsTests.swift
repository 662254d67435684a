import GeoRouting
import Testing

@testable import ControlPlane

/// `PROBE_URLS` (docs/web-client.md "Region probe") and the `probe` field of `GET /v1/regions`.
@Suite struct ProbeURLsTests {
    @Test(arguments: [
        ("", [:]),
        ("   ", [:]),
        ("us-west=http://10.0.0.1:9090/probe", ["us-west": "http://10.0.0.1:9090/probe"]),
        (" us-west = https://a.example/probe , eu-central=http://b:1/p?x=1,",
         ["us-west": "https://a.example/probe", "eu-central": "http://b:1/p?x=1"]),
        // `=` inside the URL belongs to the URL (split at the first one only).
        ("sa-east=http://h/probe?a=b", ["sa-east": "http://h/probe?a=b"]),
    ] as [(String, [String: String])])
    func parsesValidLists(text: String, expected: [String: String]) throws {
        #expect(try ProbeURLs.parse(text) == expected)
    }

    @Test(arguments: [
        "us-west",                                  // no `=`
        "=http://h/probe",                          // empty region id
        "US_WEST=http://h/probe",                   // not a region id
        "us-west=ftp://h/probe",                    // not http(s)
        "us-west=http://",                          // no host
        "us-west=http://h/pro be",                  // space in the URL
        "us-west=http://a/p,us-west=http://b/p",    // region twice
    ])
    func rejectsMalformedLists(text: String) {
        #expect(throws: ControlPlaneError.self) { try ProbeURLs.parse(text) }
    }

    @Test func rejectsOversizedInput() {
        let long = "us-west=http://h/" + String(repeating: "a", count: ProbeURLs.maximumURLLength)
        #expect(throws: ControlPlaneError.self) { try ProbeURLs.parse(long) }
        #expect(throws: ControlPlaneError.self) {
            try ProbeURLs.parse(String(repeating: "x", count: ProbeURLs.maximumLength + 1))
        }
    }

    @Test func regionsListTheProbeOfConfiguredRegionsOnly() throws {
        let catalog = try RegionCatalog(regions: [
            Region(id: try RegionID("eu-central"), name: "Frankfurt", location: try GeoCoordinate(latitude: 50.11, longitude: 8.68)),
            Region(id: try RegionID("us-west"), name: "Oregon", location: try GeoCoordinate(latitude: 45.6, longitude: -121.18)),
        ])
        let policy = PlacementPolicy(catalog: catalog, defaultRegion: try RegionID("us-west"), maxParticipantsPerNode: 10)
        let json = HTTPRoutes.regions(catalog: catalog, nodes: [], policy: policy,
                                      probeURLs: ["us-west": "https://usw.example/probe"])
        let regions = json.arrayValue ?? []
        #expect(regions.count == 2)
        #expect(regions.first?.objectValue?["probe"] == nil)
        #expect(regions.last?.objectValue?["probe"]?.stringValue == "https://usw.example/probe")
    }
}
