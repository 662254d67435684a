import Testing
@testable import RTP

/// A receiver report with one block whose cumulative loss is negative
/// (duplicates outnumber losses, RFC 3550 §6.4.1).
let receiverReportBytes: [UInt8] = [
    0x81, 0xC9, 0x00, 0x07,  // V=2 P=0 RC=1 | PT=201 RR | length 7 (32 bytes)
    0x90, 0x2F, 0x9E, 0x2E,  // SSRC of packet sender
    0xBC, 0x5E, 0x9A, 0x40,  // SSRC_1
    0x10, 0xFF, 0xFF, 0xFE,  // fraction lost 16/256 | cumulative lost -2
    0x00, 0x01, 0x46, 0xE1,  // extended highest sequence number: 1 cycle, seq 0x46e1
    0x00, 0x00, 0x01, 0x11,  // jitter
    0x09, 0xF3, 0x64, 0x32,  // LSR
    0x00, 0x02, 0x4A, 0x79,  // DLSR
]

struct RTCPReceiverReportTests {
    @Test func parsesSignedCumulativeLoss() throws {
        let rr = try ReceiverReport(parsing: receiverReportBytes)
        #expect(rr.ssrc == 0x902F_9E2E)
        #expect(rr.reports.count == 1)
        #expect(rr.reports[0].fractionLost == 16)
        #expect(rr.reports[0].cumulativeLost == -2)
        #expect(rr.reports[0].extendedHighestSequenceNumber == 0x0001_46E1)
    }

    @Test func roundTrip() throws {
        let rr = try ReceiverReport(parsing: receiverReportBytes)
        #expect(try rr.marshal() == receiverReportBytes)
    }

    @Test func emptyReport() throws {
        let bytes: [UInt8] = [0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07]  // RC=0, SSRC 7
        let rr = try ReceiverReport(parsing: bytes)
        #expect(rr == ReceiverReport(ssrc: 7))
        #expect(try rr.marshal() == bytes)
    }

    @Test func everyTruncationThrows() {
        #expect(prefixesAccepted(receiverReportBytes) { (b) throws(RTPError) in try ReceiverReport(parsing: b) }.isEmpty)
    }

    @Test(arguments: [(Int32(-9_000_000), UInt32(0x80_0000)), (9_000_000, 0x7F_FFFF), (-1, 0xFF_FFFF), (5, 5)])
    func cumulativeLossClampsTo24Bits(_ lost: Int32, _ wire: UInt32) throws {
        let rr = ReceiverReport(ssrc: 1, reports: [ReceptionReport(ssrc: 2, fractionLost: 0xFF, cumulativeLost: lost)])
        let bytes = try rr.marshal()
        #expect(bytes[12] == 0xFF)
        #expect(UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15]) == wire)
    }

    @Test func paddingLargerThanPacket() {
        let bytes: [UInt8] = [0xA0, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09]  // P=1, count 9 > 4
        #expect(caughtError { () throws(RTPError) in _ = try ReceiverReport(parsing: bytes) }
            == .invalidPadding(length: 9, available: 4))
    }
}
