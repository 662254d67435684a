import Testing
@testable import RTP

/// APP packet, subtype 1, name "TEST".
let applicationDefinedBytes: [UInt8] = [
    0x81, 0xCC, 0x00, 0x03,  // V=2 P=0 subtype=1 | PT=204 APP | length 3 (16 bytes)
    0x00, 0x00, 0x04, 0xD2,  // SSRC 1234
    0x54, 0x45, 0x53, 0x54,  // name "TEST"
    0x01, 0x02, 0x03, 0x04,  // application data
]

/// An RTCP XR (RFC 3611, PT=207): not modelled, passed through raw.
let extendedReportBytes: [UInt8] = [
    0x80, 0xCF, 0x00, 0x04,  // V=2 | PT=207 XR | length 4 (20 bytes)
    0x00, 0x00, 0x00, 0x01,  // SSRC
    0x04, 0x00, 0x00, 0x02,  // block type 4 (RRTR), length 2
    0xDA, 0x8B, 0xD1, 0xFC,  // NTP MSW
    0xDD, 0xDD, 0xA0, 0x5A,  // NTP LSW
]

struct RTCPApplicationDefinedTests {
    @Test func parsesAndRoundTrips() throws {
        let app = try ApplicationDefined(parsing: applicationDefinedBytes)
        #expect(app.subtype == 1)
        #expect(app.ssrc == 1234)
        #expect(app.nameText == "TEST")
        #expect(app.data == [1, 2, 3, 4])
        #expect(try app.marshal() == applicationDefinedBytes)
    }

    @Test func everyTruncationThrows() {
        #expect(prefixesAccepted(applicationDefinedBytes) { (b) throws(RTPError) in try ApplicationDefined(parsing: b) }.isEmpty)
    }

    @Test func rawPassthroughKeepsBytes() throws {
        let raw = try RawRTCPPacket(parsing: extendedReportBytes)
        #expect(raw.packetType.rawValue == 207)
        #expect(raw.body.count == 16)
        #expect(try raw.marshal() == extendedReportBytes)
        #expect(try RTCPPacket(parsing: extendedReportBytes) == .raw(raw))
    }

    @Test func rawUnalignedBodyIsPadded() throws {
        let raw = RawRTCPPacket(count: 3, packetType: RTCPPacketType(rawValue: 210), body: [1, 2, 3, 4, 5])
        let bytes = try raw.marshal()
        #expect(bytes == [0xA3, 0xD2, 0x00, 0x02, 1, 2, 3, 4, 5, 0, 0, 3])
        #expect(try RawRTCPPacket(parsing: bytes) == raw)
    }
}
