// fuzz-modules: ControlPlane/JSON
// Parses arbitrary bytes as JSON (the signaling parser: every client message
// goes through it). Any input must give a value or a JSONParseError, never a
// crash or a hang; a value must serialize to text that parses back to an
// equal value and serializes identically.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    let text = value.serialized()
    guard let again = try? JSONValue.parse(Array(text.utf8)) else {
        fatalError("serialized JSON does not parse: \(text)")
    }
    // NaN cannot come out of the parser, so equality is exact.
    precondition(again == value, "round trip changed the value: \(text)")
    precondition(again.serialized() == text, "second serialization differs: \(text)")
    return 0
}
