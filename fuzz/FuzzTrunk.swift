// fuzz-modules: TrunkWire
// Feeds every input to each trunk wire parser (frame header, handshake init
// and response, data frame plaintext, control message list, node credential).
// Whatever parses must re-serialize to exactly the input (the encodings are
// canonical) and parse again to an equal value.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let bytes = Array(input)

    if let header = try? TrunkFrameHeader(parsing: input) {
        precondition(header.marshal() == Array(bytes.prefix(TrunkFrameHeader.size)), "header not canonical")
        precondition((try? TrunkFrameHeader(parsing: header.marshal())) == header, "header round trip")
    }
    if let message = try? TrunkHandshakeInit(parsing: input) {
        guard let out = try? message.marshal() else { fatalError("init does not re-serialize") }
        precondition(out == bytes, "init not canonical")
        precondition((try? TrunkHandshakeInit(parsing: out)) == message, "init round trip")
        // The credential inside is parsed separately by the receiver.
        if let credential = try? MeshCredential(parsing: message.credential) {
            precondition((try? credential.marshal()) == message.credential, "embedded credential not canonical")
        }
    }
    if let message = try? TrunkHandshakeResponse(parsing: input) {
        guard let out = try? message.marshal() else { fatalError("response does not re-serialize") }
        precondition(out == bytes, "response not canonical")
        precondition((try? TrunkHandshakeResponse(parsing: out)) == message, "response round trip")
    }
    if let frame = try? TrunkDataFrame(parsing: input) {
        precondition(frame.marshal() == bytes, "data frame not canonical")
        precondition((try? TrunkDataFrame(parsing: frame.marshal())) == frame, "data frame round trip")
    }
    if let messages = try? TrunkControlMessage.parseList(input) {
        guard let out = try? TrunkControlMessage.marshal(messages) else { fatalError("control list does not re-serialize") }
        precondition(out == bytes, "control list not canonical")
        precondition((try? TrunkControlMessage.parseList(out)) == messages, "control list round trip")
        precondition(TrunkControlMessage.marshalSize(messages) == size, "control list size")
        for case .nack(let nack) in messages { precondition(!nack.lostSequenceNumbers.isEmpty) }
    }
    if let credential = try? MeshCredential(parsing: input) {
        guard let out = try? credential.marshal() else { fatalError("credential does not re-serialize") }
        precondition(out == bytes, "credential not canonical")
        precondition((try? MeshCredential(parsing: out)) == credential, "credential round trip")
        precondition((try? credential.signedMessage())?.count == MeshCredential.signatureContext.count + size - 64)
        precondition(MeshNodeID(rawValue: credential.nodeID.rawValue) == credential.nodeID)
        precondition(MeshRegionID(rawValue: credential.regionID.rawValue) == credential.regionID)
    }
    return 0
}
