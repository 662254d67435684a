import Testing

@testable import GeoRouting

@Suite("RTTHints")
struct RTTHintsTests {
    @Test func parsesTheDocumentedForm() throws {
        let hints = try RTTHints.parse("us-west:23,eu-central:88")
        #expect(hints.milliseconds == [id("us-west"): 23, id("eu-central"): 88])
        #expect(hints.description == "eu-central:88,us-west:23")
    }

    @Test(arguments: [
        ("", [:]),
        ("   ", [:]),
        ("us-west:0", ["us-west": 0.0]),
        (" us-west : 23.5 , eu-central:88 ", ["us-west": 23.5, "eu-central": 88.0]),
        ("mars-north:60000", ["mars-north": 60_000.0]),  // unknown regions are syntax-valid
    ] as [(String, [String: Double])])
    func valid(text: String, expected: [String: Double]) throws {
        let hints = try RTTHints.parse(text)
        #expect(hints.milliseconds.count == expected.count)
        for (key, value) in expected { #expect(hints[id(key)] == value) }
    }

    @Test(arguments: [
        ("us-west", "us-west", RTTHintProblem.missingSeparator),
        ("us-west:23,", "", .missingSeparator),
        (",us-west:23", "", .missingSeparator),
        ("us-west:1:2", "us-west:1:2", .missingSeparator),
        ("US-West:23", "US-West:23", .invalidRegionID),
        (":23", ":23", .invalidRegionID),
        ("us-west:", "us-west:", .invalidMilliseconds),
        ("us-west:-1", "us-west:-1", .invalidMilliseconds),
        ("us-west:1e3", "us-west:1e3", .invalidMilliseconds),
        ("us-west:nan", "us-west:nan", .invalidMilliseconds),
        ("us-west:0x10", "us-west:0x10", .invalidMilliseconds),
        ("us-west:12.", "us-west:12.", .invalidMilliseconds),
        ("us-west:60001", "us-west:60001", .millisecondsOutOfRange(limit: 60_000)),
        ("us-west:1,us-west:2", "us-west:2", .duplicateRegion),
    ])
    func garbageIsAnError(text: String, entry: String, problem: RTTHintProblem) {
        #expect(throws: GeoRoutingError.invalidRTTHints(entry: entry, problem: problem)) { try RTTHints.parse(text) }
    }

    @Test func boundsOnUntrustedInput() {
        let many = (0..<65).map { "r\($0):1" }.joined(separator: ",")
        #expect(throws: GeoRoutingError.invalidRTTHints(entry: String(many.prefix(64)), problem: .tooManyEntries(count: 65, limit: 64))) {
            try RTTHints.parse(many)
        }
        let long = String(repeating: "a", count: 3000)
        #expect(throws: GeoRoutingError.invalidRTTHints(entry: String(long.prefix(64)), problem: .inputTooLong(length: 3000, limit: 2048))) {
            try RTTHints.parse(long)
        }
    }
}
