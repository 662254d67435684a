// fuzz-modules: RTP
// Parses VP8 / VP9 payload descriptors, H.264 payloads and the Opus TOC
// (the first input byte picks which), writes descriptors back and re-parses.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let payload = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    switch data[0] % 4 {
    case 0:
        guard let (d, used) = try? VP8PayloadDescriptor.parse(payload) else { return 0 }
        precondition(used <= payload.count)
        var out = [UInt8](repeating: 0, count: d.marshalSize)
        let n: Int
        do { n = try out.withUnsafeMutableBytes { (o) throws(RTPError) in try d.write(into: o) } } catch {
            fatalError("VP8 write failed: \(error)")
        }
        precondition(n == out.count)
        let rebuilt = out + Array(payload[used...])
        guard let again = try? VP8PayloadDescriptor(parsing: rebuilt), again == d else { fatalError("VP8 round trip") }
    case 1:
        guard let (d, used) = try? VP9PayloadDescriptor.parse(payload) else { return 0 }
        precondition(used <= payload.count && used == d.marshalSize)
        var out = [UInt8](repeating: 0, count: d.marshalSize)
        do { _ = try out.withUnsafeMutableBytes { (o) throws(RTPError) in try d.write(into: o) } } catch {
            fatalError("VP9 write failed: \(error)")
        }
        guard let again = try? VP9PayloadDescriptor(parsing: out), again == d else { fatalError("VP9 round trip") }
    case 2:
        if let info = try? H264PayloadInfo(parsing: payload) {
            precondition(!info.isKeyframe || info.contains(nalUnitType: 5) || info.contains(nalUnitType: 7))
        }
    default:
        _ = try? OpusTOC(parsing: payload)
        _ = OpusPayload.isDTX(payload)
    }
    return 0
}
