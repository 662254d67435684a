import Foundation
import Testing

@testable import GeoRouting

/// The package root, found from this file's path (Tests/GeoRoutingTests/TestSupport.swift).
let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Raised when MaxMind's test databases have not been fetched.
struct MissingTestData: Error, CustomStringConvertible {
    let directory: String
    var description: String {
        "MaxMind test databases not found in \(directory): run devops/fetch-test-data "
            + "(or set EDGEMESH_GEOIP_TEST_DIR to a directory holding GeoIP2-City-Test.mmdb)"
    }
}

/// Path of a MaxMind test database, from `EDGEMESH_GEOIP_TEST_DIR` or
/// `.cache/geoip-test-data` under the package root. Throws (failing the test)
/// when it is absent: these tests must never pass vacuously.
func geoIPTestDatabase(_ name: String = "GeoIP2-City-Test.mmdb") throws -> String {
    let environment = ProcessInfo.processInfo.environment["EDGEMESH_GEOIP_TEST_DIR"].flatMap { $0.isEmpty ? nil : $0 }
    let directory = environment ?? packageRoot.appendingPathComponent(".cache/geoip-test-data").path
    let path = directory + "/" + name
    guard FileManager.default.fileExists(atPath: path) else { throw MissingTestData(directory: directory) }
    return path
}

/// A fresh temporary directory, removed by the caller with `removeTemporaryDirectory`.
func makeTemporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("georouting-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

func removeTemporaryDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

func write(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// Regions for selector tests, same places as regions/.
enum Fixtures {
    static func region(_ id: String, _ name: String, _ lat: Double, _ lon: Double) -> Region {
        // Test fixtures are constants; a bad one is a test bug worth a trap.
        guard let id = try? RegionID(id), let location = try? GeoCoordinate(latitude: lat, longitude: lon) else {
            preconditionFailure("bad fixture \(id)")
        }
        return Region(id: id, name: name, location: location)
    }

    static let usWest = region("us-west", "Oregon", 45.60, -121.18)
    static let usEast = region("us-east", "Ashburn", 39.04, -77.49)
    static let euCentral = region("eu-central", "Frankfurt", 50.11, 8.68)
    static let apSoutheast = region("ap-southeast", "Singapore", 1.35, 103.82)
    static let saEast = region("sa-east", "São Paulo", -23.55, -46.63)
    static let all = [usWest, usEast, euCentral, apSoutheast, saEast]
}

func id(_ text: String) -> RegionID {
    guard let value = try? RegionID(text) else { preconditionFailure("bad fixture id \(text)") }
    return value
}
