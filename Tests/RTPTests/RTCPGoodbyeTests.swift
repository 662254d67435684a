import Testing
@testable import RTP

/// BYE with one source and a reason.
let goodbyeBytes: [UInt8] = [
    0x81, 0xCB, 0x00, 0x04,  // V=2 P=0 SC=1 | PT=203 BYE | length 4 (20 bytes)
    0x90, 0x2F, 0x9E, 0x2E,  // SSRC
    0x08, 0x46, 0x49, 0x4E,  // reason length 8: "FIN
    0x49, 0x53, 0x48, 0x45,  // ISHE
    0x44, 0x00, 0x00, 0x00,  // D" + padding
]

struct RTCPGoodbyeTests {
    @Test func parsesSourcesAndReason() throws {
        let bye = try Goodbye(parsing: goodbyeBytes)
        #expect(bye.sources == [0x902F_9E2E])
        #expect(bye.reasonText == "FINISHED")
        #expect(try bye.marshal() == goodbyeBytes)
    }

    @Test func withoutReasonAndSeveralSources() throws {
        let bye = Goodbye(sources: [1, 2, 3])
        let bytes = try bye.marshal()
        #expect(bytes == [0x83, 0xCB, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3])
        #expect(try Goodbye(parsing: bytes) == bye)
    }

    @Test func everyTruncationThrows() {
        #expect(prefixesAccepted(goodbyeBytes) { (b) throws(RTPError) in try Goodbye(parsing: b) }.isEmpty)
    }

    @Test func reasonLengthPastEnd() {
        var bytes = goodbyeBytes
        bytes[8] = 0x0C  // 12 > 11 bytes left
        #expect(caughtError { () throws(RTPError) in _ = try Goodbye(parsing: bytes) }
            == .lengthOverflow(.goodbye, declared: 12, available: 11))
    }

    @Test func sourceCountPastEnd() {
        var bytes = goodbyeBytes
        bytes[0] = 0x85  // SC=5 needs 20 body bytes, 16 present
        #expect(caughtError { () throws(RTPError) in _ = try Goodbye(parsing: bytes) }
            == .truncated(.goodbye, needed: 24, available: 20))
    }
}
