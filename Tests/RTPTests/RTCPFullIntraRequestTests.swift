import Testing
@testable import RTP

/// Full Intra Request with one entry.
let fullIntraRequestBytes: [UInt8] = [
    0x84, 0xCE, 0x00, 0x04,  // V=2 P=0 FMT=4 | PT=206 PSFB | length 4 (20 bytes)
    0x90, 0x2F, 0x9E, 0x2E,  // SSRC of packet sender
    0x00, 0x00, 0x00, 0x00,  // SSRC of media source: 0 (RFC 5104 §4.3.1.2)
    0x90, 0x2F, 0x9E, 0x2F,  // FCI: SSRC of the requested sender
    0x2A, 0x00, 0x00, 0x00,  // Seq nr. 42 | reserved
]

struct RTCPFullIntraRequestTests {
    @Test func parsesAndWrites() throws {
        let fir = try FullIntraRequest(parsing: fullIntraRequestBytes)
        #expect(fir == FullIntraRequest(senderSSRC: 0x902F_9E2E, entries: [FIREntry(ssrc: 0x902F_9E2F, sequenceNumber: 42)]))
        #expect(try fir.marshal() == fullIntraRequestBytes)
    }

    @Test func everyTruncationThrows() {
        #expect(prefixesAccepted(fullIntraRequestBytes) { (b) throws(RTPError) in try FullIntraRequest(parsing: b) }.isEmpty)
    }

    @Test func partialEntry() {
        let bytes: [UInt8] = [0x84, 0xCE, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2]  // half an entry
        #expect(caughtError { () throws(RTPError) in _ = try FullIntraRequest(parsing: bytes) }
            == .truncated(.fullIntraRequest, needed: 20, available: 16))
    }

    @Test func severalEntriesRoundTrip() throws {
        let fir = FullIntraRequest(senderSSRC: 1, entries: [FIREntry(ssrc: 2, sequenceNumber: 0), FIREntry(ssrc: 3, sequenceNumber: 255)])
        #expect(try FullIntraRequest(parsing: fir.marshal()) == fir)
    }
}
