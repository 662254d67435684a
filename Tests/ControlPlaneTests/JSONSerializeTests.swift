@testable import ControlPlane
import Testing

@Suite("JSON string escaping (RFC 8259 §7)")
struct JSONSerializeTests {
    @Test("strings are escaped exactly and parse back to themselves", arguments: [
        ("plain", #""plain""#),
        ("v=0\r\na=x\r\n", #""v=0\r\na=x\r\n""#),
        ("quote \" backslash \\", #""quote \" backslash \\""#),
        ("tab\tbell\u{07}nul\u{00}", #""tab\tbell\u0007nul\u0000""#),
        ("\u{08}\u{0C}\u{1F}", #""\b\f\u001f""#),
        ("café 🎥\n", "\"café 🎥\\n\""),
    ])
    func escapes(text: String, expected: String) throws {
        let serialized = JSONValue.string(text).serialized()
        #expect(serialized == expected)
        #expect(try JSONValue.parse(Array(serialized.utf8)) == .string(text))
    }
}
