import Testing
@testable import RTP

/// A sender report with one report block.
let senderReportBytes: [UInt8] = [
    0x81, 0xC8, 0x00, 0x0C,  // V=2 P=0 RC=1 | PT=200 SR | length 12 (52 bytes)
    0x90, 0x2F, 0x9E, 0x2E,  // SSRC of sender
    0xDA, 0x8B, 0xD1, 0xFC,  // NTP timestamp, most significant word
    0xDD, 0xDD, 0xA0, 0x5A,  // NTP timestamp, least significant word
    0xAA, 0xF4, 0xED, 0xD5,  // RTP timestamp
    0x00, 0x00, 0x00, 0x01,  // sender's packet count
    0x00, 0x00, 0x00, 0x02,  // sender's octet count
    0xBC, 0x5E, 0x9A, 0x40,  // report block: SSRC_1
    0x00, 0x00, 0x00, 0x00,  // fraction lost 0 | cumulative lost 0
    0x00, 0x00, 0x46, 0xE1,  // extended highest sequence number
    0x00, 0x00, 0x01, 0x11,  // interarrival jitter
    0x09, 0xF3, 0x64, 0x32,  // LSR
    0x00, 0x02, 0x4A, 0x79,  // DLSR
]

struct RTCPSenderReportTests {
    @Test func parsesFields() throws {
        let sr = try SenderReport(parsing: senderReportBytes)
        #expect(sr.ssrc == 0x902F_9E2E)
        #expect(sr.ntpTime == 0xDA8B_D1FC_DDDD_A05A)
        #expect(sr.compactNTPTime == 0xD1FC_DDDD)
        #expect(sr.rtpTime == 0xAAF4_EDD5)
        #expect(sr.packetCount == 1)
        #expect(sr.octetCount == 2)
        #expect(sr.reports == [ReceptionReport(
            ssrc: 0xBC5E_9A40, fractionLost: 0, cumulativeLost: 0, extendedHighestSequenceNumber: 0x46E1,
            jitter: 0x111, lastSenderReport: 0x09F3_6432, delaySinceLastSenderReport: 0x0002_4A79)])
        #expect(sr.profileExtensions.isEmpty)
    }

    @Test func writesIdenticalBytes() throws {
        let sr = try SenderReport(parsing: senderReportBytes)
        #expect(sr.marshalSize == 52)
        #expect(try sr.marshal() == senderReportBytes)
        #expect(try SenderReport(parsing: sr.marshal()) == sr)
    }

    @Test func everyTruncationThrows() {
        #expect(prefixesAccepted(senderReportBytes) { (b) throws(RTPError) in try SenderReport(parsing: b) }.isEmpty)
    }

    @Test func reportCountPastEnd() {
        var bytes = senderReportBytes
        bytes[0] = 0x82  // RC=2 but only one block
        #expect(caughtError { () throws(RTPError) in _ = try SenderReport(parsing: bytes) }
            == .truncated(.receptionReport, needed: 76, available: 52))
    }

    @Test func lengthFieldOverflow() {
        var bytes = senderReportBytes
        bytes[3] = 0x0D  // 56 bytes declared, 52 present
        #expect(caughtError { () throws(RTPError) in _ = try SenderReport(parsing: bytes) }
            == .lengthOverflow(.rtcpHeader, declared: 56, available: 52))
        bytes[2] = 0xFF  // 0xff0d words: far past the end
        #expect(caughtError { () throws(RTPError) in _ = try SenderReport(parsing: bytes) }
            == .lengthOverflow(.rtcpHeader, declared: (0xFF0D + 1) * 4, available: 52))
    }

    @Test func wrongTypeAndVersion() {
        #expect(caughtError { () throws(RTPError) in _ = try SenderReport(parsing: receiverReportBytes) }
            == .unexpectedPacketType(expected: 200, actual: 201))
        var bytes = senderReportBytes
        bytes[0] = 0x41
        #expect(caughtError { () throws(RTPError) in _ = try SenderReport(parsing: bytes) } == .unsupportedVersion(1))
    }

    @Test func profileExtensionsAndPaddingRoundTrip() throws {
        let sr = SenderReport(ssrc: 1, ntpTime: 2, rtpTime: 3, packetCount: 4, octetCount: 5, profileExtensions: [9, 9, 9])
        let bytes = try sr.marshal()
        #expect(bytes.count == 32)
        #expect(bytes[0] == 0xA0)  // P=1 RC=0: three extension bytes padded with one
        #expect(bytes.last == 1)
        #expect(try SenderReport(parsing: bytes) == sr)
    }

    @Test func tooManyReports() {
        let sr = SenderReport(
            ssrc: 1, ntpTime: 0, rtpTime: 0, packetCount: 0, octetCount: 0,
            reports: Array(repeating: ReceptionReport(ssrc: 1), count: 32))
        #expect(caughtError { () throws(RTPError) in _ = try sr.marshal() } == .tooManyItems(.receptionReport, count: 32, limit: 31))
    }
}
