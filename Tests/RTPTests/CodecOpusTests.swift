import Testing
@testable import RTP

struct CodecOpusTests {
    @Test(arguments: [(0, true), (1, true), (2, true), (3, false), (120, false)])
    func dtxBySize(_ length: Int, _ dtx: Bool) {
        #expect(OpusPayload.isDTX(payloadLength: length) == dtx)
        let payload = [UInt8](repeating: 0xF8, count: length)
        #expect(payload.withUnsafeBytes { OpusPayload.isDTX($0) } == dtx)
    }

    @Test func chromeOpusPacketIsNotDTX() throws {
        let view = try RTPHeaderView(parsing: chromeOpusPacket)
        #expect(view.payloadLength == 3)
        #expect(!chromeOpusPacket.withUnsafeBytes { OpusPayload.isDTX(view.payload(in: $0)) })
    }

    @Test(arguments: [
        (UInt8(0xFC), UInt8(31), true, UInt8(0), OpusTOC.Mode.celt, 20_000),  // CELT FB 20 ms stereo
        (0x78, 15, false, 0, .hybrid, 20_000),  // hybrid FB 20 ms
        (0x0B, 1, false, 3, .silk, 20_000),  // SILK NB 20 ms, code 3
        (0x80, 16, false, 0, .celt, 2_500),  // CELT NB 2.5 ms
    ])
    func toc(_ byte: UInt8, _ config: UInt8, _ stereo: Bool, _ code: UInt8, _ mode: OpusTOC.Mode, _ duration: Int) throws {
        let toc = try parse([byte]) { (b) throws(RTPError) in try OpusTOC(parsing: b) }
        #expect(toc.configuration == config)
        #expect(toc.isStereo == stereo)
        #expect(toc.frameCountCode == code)
        #expect(toc.mode == mode)
        #expect(toc.frameDurationMicroseconds == duration)
    }

    @Test func emptyTOC() {
        #expect(caughtError { () throws(RTPError) in _ = try parse([]) { (b) throws(RTPError) in try OpusTOC(parsing: b) } }
            == .truncated(.opusTOC, needed: 1, available: 0))
    }
}
