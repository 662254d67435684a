import Testing
@testable import RTP

/// REMB of 1 Mbit/s for one SSRC.
let rembBytes: [UInt8] = [
    0x8F, 0xCE, 0x00, 0x05,  // V=2 P=0 FMT=15 | PT=206 PSFB | length 5 (24 bytes)
    0x90, 0x2F, 0x9E, 0x2E,  // SSRC of packet sender
    0x00, 0x00, 0x00, 0x00,  // SSRC of media source: 0
    0x52, 0x45, 0x4D, 0x42,  // "REMB"
    0x01, 0x0B, 0xD0, 0x90,  // Num SSRC 1 | BR Exp 2 | BR Mantissa 0x3d090 (250000)
    0x90, 0x2F, 0x9E, 0x2F,  // SSRC feedback
]

struct RTCPReceiverEstimatedMaxBitrateTests {
    @Test func parsesBitrate() throws {
        let remb = try ReceiverEstimatedMaxBitrate(parsing: rembBytes)
        #expect(remb.exponent == 2)
        #expect(remb.mantissa == 250_000)
        #expect(remb.bitrate == 1_000_000)
        #expect(remb.ssrcs == [0x902F_9E2F])
        #expect(try remb.marshal() == rembBytes)
        #expect(try RTCPPacket(parsing: rembBytes) == .receiverEstimatedMaxBitrate(remb))
    }

    @Test(arguments: [
        (UInt64(0), UInt8(0), UInt32(0)), (0x3FFFF, 0, 0x3FFFF), (0x40000, 1, 0x20000),
        (1_000_000, 2, 250_000), (2_500_000_000, 14, 152_587),
    ])
    func encodesBitrate(_ bitrate: UInt64, _ exponent: UInt8, _ mantissa: UInt32) {
        let remb = ReceiverEstimatedMaxBitrate(senderSSRC: 1, bitrate: bitrate, ssrcs: [])
        #expect(remb.exponent == exponent)
        #expect(remb.mantissa == mantissa)
        #expect(remb.bitrate <= bitrate)
    }

    @Test func saturatesHugeBitrate() {
        let remb = ReceiverEstimatedMaxBitrate(senderSSRC: 1, exponent: 63, mantissa: 0x3FFFF, ssrcs: [])
        #expect(remb.bitrate == UInt64.max)
    }

    @Test func everyTruncationThrows() {
        #expect(prefixesAccepted(rembBytes) { (b) throws(RTPError) in try ReceiverEstimatedMaxBitrate(parsing: b) }.isEmpty)
    }

    @Test func ssrcCountPastEnd() {
        var bytes = rembBytes
        bytes[16] = 0x03  // 3 SSRCs declared, 1 present
        #expect(caughtError { () throws(RTPError) in _ = try ReceiverEstimatedMaxBitrate(parsing: bytes) }
            == .lengthOverflow(.remb, declared: 12, available: 4))
    }

    @Test func otherApplicationFeedbackIsRaw() throws {
        var bytes = rembBytes
        bytes[12] = 0x47  // "GEMB": not REMB
        guard case .raw(let raw) = try RTCPPacket(parsing: bytes) else {
            Issue.record("expected raw passthrough")
            return
        }
        #expect(raw.count == 15)
        #expect(try raw.marshal() == bytes)
    }
}
