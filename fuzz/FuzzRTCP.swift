// fuzz-modules: RTP
// Parses compound RTCP, re-serializes, re-parses and compares; also runs each
// single-packet parser and the transport-cc decoder on the same bytes.

@inline(__always)
func roundTrip<P: RTCPPacketCodable>(_ type: P.Type, _ input: UnsafeRawBufferPointer) {
    guard let packet = try? P(parsing: input) else { return }
    let bytes: [UInt8]
    do { bytes = try packet.marshal() } catch { fatalError("\(P.self) marshal failed: \(error)") }
    precondition(bytes.count == packet.marshalSize)
    guard let again = try? P(parsing: bytes) else { fatalError("\(P.self) re-parse failed") }
    precondition(again == packet, "\(P.self) round trip mismatch")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    roundTrip(SenderReport.self, input)
    roundTrip(ReceiverReport.self, input)
    roundTrip(SourceDescription.self, input)
    roundTrip(Goodbye.self, input)
    roundTrip(ApplicationDefined.self, input)
    roundTrip(GenericNACK.self, input)
    roundTrip(PictureLossIndication.self, input)
    roundTrip(FullIntraRequest.self, input)
    roundTrip(ReceiverEstimatedMaxBitrate.self, input)
    roundTrip(TransportLayerCC.self, input)
    roundTrip(RawRTCPPacket.self, input)
    if let twcc = try? TransportLayerCC(parsing: input) {
        precondition(twcc.packetStatuses.count == Int(twcc.packetStatusCount))
    }
    if let nack = try? GenericNACK(parsing: input) {
        let lost = nack.lostSequenceNumbers
        let repacked = GenericNACK(senderSSRC: nack.senderSSRC, mediaSSRC: nack.mediaSSRC, lost: lost)
        _ = repacked.lostSequenceNumbers
    }

    var reader = RTCPCompoundReader(input)
    while let header = try? reader.nextHeader() { _ = header }
    guard let packets = try? RTCPCompound.parse(input) else { return 0 }
    let bytes: [UInt8]
    do { bytes = try RTCPCompound.marshal(packets) } catch { fatalError("compound marshal failed: \(error)") }
    guard let again = try? RTCPCompound.parse(bytes) else { fatalError("compound re-parse failed") }
    precondition(again == packets, "compound round trip mismatch")
    return 0
}
