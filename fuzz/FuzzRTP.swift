// fuzz-modules: RTP
// Parses RTP packets with the non-allocating view, reads every typed
// extension, round-trips through the owned RTPPacket, and checks the
// forwarding rewrite against a re-parse of its output.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    guard let view = try? RTPHeaderView(parsing: input) else {
        if (try? RTPPacket(parsing: input)) != nil { fatalError("view rejected what RTPPacket accepted") }
        return 0
    }
    precondition(view.packetLength == size)
    for id in UInt8(0)...15 {
        _ = view.mid(id: id, in: input)
        _ = view.absSendTime(id: id, in: input)
        _ = view.transportSequenceNumber(id: id, in: input)
        _ = view.audioLevel(id: id, in: input)
        _ = view.videoOrientation(id: id, in: input)
    }
    // A shorter buffer than the view was parsed from must never be read past.
    let short = UnsafeRawBufferPointer(rebasing: input[0..<(size / 2)])
    _ = view.extensionData(id: 1, in: short)
    _ = view.payload(in: short)
    _ = view.csrc(at: 1, in: short)

    // Round trip through the owned packet.
    guard let packet = try? RTPPacket(parsing: input) else { fatalError("RTPPacket rejected a valid view") }
    let bytes: [UInt8]
    do { bytes = try packet.marshal() } catch { fatalError("marshal failed: \(error)") }
    guard let again = try? RTPPacket(parsing: bytes), again == packet else { fatalError("round trip mismatch") }

    // Forwarding rewrite: drop odd ids, shift even ids down by one.
    var map = RTPExtensionIDMap.dropAll
    for id in UInt8(1)...14 where id % 2 == 0 { try? map.map(id, to: id - 1) }
    let rewrite = RTPRewrite(ssrc: 0xCAFE_BABE, sequenceNumber: 7, timestamp: 99, payloadType: 111, extensionIDs: map)
    var out = [UInt8](repeating: 0xAA, count: size)
    let written: Int
    do {
        written = try out.withUnsafeMutableBytes { (o) throws(RTPError) in try view.rewrite(input, with: rewrite, into: o) }
    } catch { fatalError("rewrite failed: \(error)") }
    precondition(written <= size)
    let output = Array(out[0..<written])
    guard let rewritten = try? RTPPacket(parsing: output) else { fatalError("rewrite output does not parse") }
    precondition(rewritten.header.ssrc == 0xCAFE_BABE && rewritten.header.sequenceNumber == 7)
    precondition(rewritten.header.timestamp == 99 && rewritten.header.payloadType == 111)
    precondition(rewritten.header.marker == packet.header.marker && rewritten.header.csrcs == packet.header.csrcs)
    precondition(rewritten.payload == packet.payload && rewritten.paddingLength == packet.paddingLength)
    switch packet.header.extensions {
    case .oneByte(let elements), .twoByte(let elements, _):
        let expected = elements.compactMap { e -> RTPHeaderExtension? in
            map.mappedID(e.id).map { RTPHeaderExtension(id: $0, value: e.value) }
        }
        precondition(rewritten.header.extensions.elements == expected, "rewritten extensions differ")
    case .opaque:
        precondition(rewritten.header.extensions == packet.header.extensions)
    case .none:
        precondition(rewritten.header.extensions == .none)
    }
    return 0
}
