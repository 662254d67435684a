@testable import ControlPlane
import Foundation
import Testing

@Suite("JSON parsing (RFC 8259)")
struct JSONParserTests {
    @Test("valid texts parse to the expected values", arguments: [
        ("null", JSONValue.null),
        (" true ", .bool(true)),
        ("\tfalse\r\n", .bool(false)),
        ("0", .number(0)),
        ("-12", .number(-12)),
        ("3.25", .number(3.25)),
        ("-1.5e3", .number(-1500)),
        ("2E-2", .number(0.02)),
        ("123456789012345678901234", .number(123456789012345678901234)),
        ("1774521600123", .number(1774521600123)),
        (#""""#, .string("")),
        (#""a\"b\\c\/d\b\f\n\r\t""#, .string("a\"b\\c/d\u{08}\u{0C}\n\r\t")),
        (#""\u00e9\u20AC""#, .string("é€")),
        (#""\ud83c\udfa5 cam""#, .string("🎥 cam")),
        ("\"café 🎥\"", .string("café 🎥")),
        ("[]", .array([])),
        ("[1, [2, []], {}]", .array([1, .array([2, .array([])]), .object(JSONObject())])),
        (#"{"type":"offer","n":[1,2],"o":{"x":null}}"#,
         .object(["type": "offer", "n": [1, 2], "o": .object(["x": .null])])),
    ])
    func valid(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(Array(text.utf8)) == expected)
    }

    @Test("invalid texts are refused", arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{1:2}", "{\"a\":}", "01", "-", "1.", ".5",
        "+1", "1e", "1e+", "NaN", "Infinity", "1e400", "tru", "nul", "True", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"",
        "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"tab\there\"", "1 2", "[] x", "/* c */ 1", "'a'",
    ])
    func invalid(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test("bytes that are not UTF-8 inside a string are refused")
    func invalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0x5C, 0x6E, 0xC3, 0x22]) }
    }

    @Test("nesting is limited, and the limit itself parses")
    func depth() throws {
        let deepest = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(throws: Never.self) { try JSONValue.parse(Array(deepest.utf8)) }
        let tooDeep = "[" + deepest + "]"
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(tooDeep.utf8)) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(String(repeating: "{\"a\":", count: 100_000).utf8)) }
    }

    @Test("objects keep document order; the last of duplicate keys wins")
    func objectOrder() throws {
        let value = try JSONValue.parse(Array(#"{"z":1,"a":2,"m":3,"a":4}"#.utf8))
        let object = try #require(value.objectValue)
        #expect(object.keys == ["z", "a", "m", "a"])
        #expect(object["a"] == .number(4))
    }

    @Test("an error names the offset where parsing stopped")
    func errorOffset() {
        #expect(throws: JSONParseError(reason: "expected ',' or ']' in an array at byte 3")) {
            try JSONValue.parse(Array("[1 2]".utf8))
        }
    }

    @Test("random values survive serialize → parse exactly, and Foundation reads the same text alike")
    func roundTrip() throws {
        var generator = SeededGenerator(seed: 0x5eed)
        for _ in 0..<300 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let text = value.serialized()
            #expect(try JSONValue.parse(Array(text.utf8)) == value, "\(text)")
            // Foundation as the reference reader: same structure and numbers.
            let reference = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            #expect(Self.matches(value, reference), "\(text)")
        }
    }

    private static func randomValue(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2:
            return Bool.random(using: &generator)
                ? .number(Double(Int.random(in: -1_000_000...1_000_000, using: &generator)))
                : .number(Double.random(in: -1e6...1e6, using: &generator))
        case 3:
            let alphabet = Array("aZ09 \"\\/\n\t\u{01}é€🎥{}[],:")
            return .string(String((0..<Int.random(in: 0...12, using: &generator)).map { _ in
                alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
            }))
        case 4:
            return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var object = JSONObject()
            for index in 0..<Int.random(in: 0...4, using: &generator) {
                object["k\(index)\(Int.random(in: 0...9, using: &generator))"] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(object)
        }
    }

    private static func matches(_ value: JSONValue, _ reference: Any) -> Bool {
        switch value {
        case .null: return reference is NSNull
        case .bool(let b): return (reference as? Bool) == b
        case .number(let n):
            // Foundation's reader on Linux can be an ulp off for long fractions; ours is correctly rounded
            // (the serialize → parse round trip above is exact).
            return (reference as? NSNumber).map { abs($0.doubleValue - n) <= abs(n) * 1e-15 } ?? false
        case .string(let s): return (reference as? String) == s
        case .array(let elements):
            guard let list = reference as? [Any], list.count == elements.count else { return false }
            return zip(elements, list).allSatisfy { matches($0, $1) }
        case .object(let object):
            guard let dictionary = reference as? [String: Any], dictionary.count == Set(object.keys).count else { return false }
            return object.keys.allSatisfy { key in dictionary[key].map { matches(object[key]!, $0) } ?? false }
        }
    }
}

/// SplitMix64: reproducible random values for the round-trip test.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
