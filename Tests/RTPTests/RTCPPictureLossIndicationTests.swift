import Testing
@testable import RTP

/// Picture Loss Indication.
let pictureLossBytes: [UInt8] = [
    0x81, 0xCE, 0x00, 0x02,  // V=2 P=0 FMT=1 | PT=206 PSFB | length 2 (12 bytes)
    0x90, 0x2F, 0x9E, 0x2E,  // SSRC of packet sender
    0x90, 0x2F, 0x9E, 0x2F,  // SSRC of media source
]

struct RTCPPictureLossIndicationTests {
    @Test func parsesAndWrites() throws {
        let pli = try PictureLossIndication(parsing: pictureLossBytes)
        #expect(pli == PictureLossIndication(senderSSRC: 0x902F_9E2E, mediaSSRC: 0x902F_9E2F))
        #expect(try pli.marshal() == pictureLossBytes)
        #expect(try RTCPPacket(parsing: pictureLossBytes) == .pictureLossIndication(pli))
    }

    @Test func everyTruncationThrows() {
        #expect(prefixesAccepted(pictureLossBytes) { (b) throws(RTPError) in try PictureLossIndication(parsing: b) }.isEmpty)
    }

    @Test func wrongTypeOrFormat() {
        #expect(caughtError { () throws(RTPError) in _ = try PictureLossIndication(parsing: genericNACKBytes) }
            == .unexpectedPacketType(expected: 206, actual: 205))
        #expect(caughtError { () throws(RTPError) in _ = try PictureLossIndication(parsing: fullIntraRequestBytes) }
            == .unexpectedFormat(expected: 1, actual: 4))
    }
}
