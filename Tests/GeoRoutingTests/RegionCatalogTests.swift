import Foundation
import Testing

@testable import GeoRouting

@Suite("RegionCatalog")
struct RegionCatalogTests {
    @Test func shippedRegionsLoad() throws {
        let catalog = try RegionCatalog.load(directory: packageRoot.appendingPathComponent("regions").path)
        #expect(catalog.ids.map(\.rawValue) == ["ap-southeast", "eu-central", "sa-east", "us-east", "us-west"])
        #expect(catalog[id("us-west")] == Fixtures.usWest)
        #expect(catalog[id("us-east")] == Fixtures.usEast)
        #expect(catalog[id("eu-central")] == Fixtures.euCentral)
        #expect(catalog[id("ap-southeast")] == Fixtures.apSoutheast)
        #expect(catalog[id("sa-east")] == Fixtures.saEast)
        #expect(catalog[id("mars-north")] == nil)
    }

    @Test func ignoresOtherFilesAndSorts() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        try write("id: b\nname: B\nlocation: { lat: 1, lon: 1 }\n", to: directory + "/b.yaml")
        try write("id: a\nname: A\nlocation: { lat: 2, lon: 2 }\n", to: directory + "/a.yml")
        try write("not yaml at all", to: directory + "/README.md")
        let catalog = try RegionCatalog.load(directory: directory)
        #expect(catalog.ids == [id("a"), id("b")])
    }

    @Test func duplicateIDsAcrossFilesAreAnError() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        try write("id: a\nname: A\nlocation: { lat: 1, lon: 1 }\n", to: directory + "/a.yaml")
        try write("id: a\nname: A again\nlocation: { lat: 1, lon: 1 }\n", to: directory + "/a.yml")
        #expect(throws: GeoRoutingError.duplicateRegion(id: "a", paths: [directory + "/a.yaml", directory + "/a.yml"])) {
            try RegionCatalog.load(directory: directory)
        }
        #expect(throws: GeoRoutingError.duplicateRegion(id: "us-west", paths: [])) {
            try RegionCatalog(regions: [Fixtures.usWest, Fixtures.euCentral, Fixtures.usWest])
        }
    }

    @Test func badFileIsReportedWithPathAndLine() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        try write("id: a\nname: A\nlocation: { lat: 1, lon: 1 }\n", to: directory + "/a.yaml")
        try write("id: b\nname: B\n\nlocation: { lat: 1, lon: 1 }\ncapacity: 3\n", to: directory + "/b.yaml")
        #expect(throws: GeoRoutingError.regionFile(path: directory + "/b.yaml", line: 5, problem: .unknownKey("capacity"))) {
            try RegionCatalog.load(directory: directory)
        }
    }

    @Test func nonUTF8FileIsAnError() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        try Data([0x69, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a]).write(to: URL(fileURLWithPath: directory + "/c.yaml"))
        #expect(throws: GeoRoutingError.regionFile(path: directory + "/c.yaml", line: nil, problem: .notUTF8)) {
            try RegionCatalog.load(directory: directory)
        }
    }

    @Test func missingOrEmptyDirectory() throws {
        #expect(throws: GeoRoutingError.regionDirectoryUnreadable(path: "/nonexistent/regions", reason: "does not exist")) {
            try RegionCatalog.load(directory: "/nonexistent/regions")
        }
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        #expect(throws: GeoRoutingError.noRegions(directory: directory)) { try RegionCatalog.load(directory: directory) }
    }

    @Test(arguments: [
        ("eu-central", true), ("a", true), ("0-9", true), (String(repeating: "a", count: 63), true),
        ("", false), ("EU", false), ("eu_central", false), ("eu central", false), ("é", false),
        (String(repeating: "a", count: 64), false),
    ])
    func regionIDValidation(text: String, valid: Bool) {
        #expect(RegionID.isValid(text) == valid)
        #expect(((try? RegionID(text)) != nil) == valid)
    }
}
