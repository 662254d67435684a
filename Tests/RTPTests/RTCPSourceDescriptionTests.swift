import Testing
@testable import RTP

/// SDES with one chunk carrying a CNAME, as browsers send with every report.
let sourceDescriptionBytes: [UInt8] = [
    0x81, 0xCA, 0x00, 0x06,  // V=2 P=0 SC=1 | PT=202 SDES | length 6 (28 bytes)
    0x90, 0x2F, 0x9E, 0x2E,  // SSRC
    0x01, 0x10,  // CNAME, 16 bytes
    0x37, 0x6F, 0x49, 0x56, 0x4F, 0x43, 0x35, 0x4C,  // "7oIVOC5L"
    0x31, 0x62, 0x57, 0x76, 0x4B, 0x59, 0x59, 0x45,  // "1bWvKYYE"
    0x00, 0x00,  // end of items + padding to 32 bits
]

struct RTCPSourceDescriptionTests {
    @Test func parsesCNAME() throws {
        let sdes = try SourceDescription(parsing: sourceDescriptionBytes)
        #expect(sdes == SourceDescription(source: 0x902F_9E2E, cname: "7oIVOC5L1bWvKYYE"))
        #expect(sdes.chunks[0].items[0].string == "7oIVOC5L1bWvKYYE")
        #expect(try sdes.marshal() == sourceDescriptionBytes)
    }

    @Test func multipleChunksAndItemsRoundTrip() throws {
        let sdes = SourceDescription(chunks: [
            SourceDescriptionChunk(source: 1, items: [
                SourceDescriptionItem(type: .cname, "a@b"), SourceDescriptionItem(type: .tool, "edgemesh"),
            ]),
            SourceDescriptionChunk(source: 2, items: []),
            SourceDescriptionChunk(source: 3, items: [SourceDescriptionItem(type: .note, "")]),
        ])
        let bytes = try sdes.marshal()
        #expect(bytes.count % 4 == 0)
        // chunk 1: 4 + (2+3) + (2+8) + 1 = 20; chunk 2: 4 + 1 -> 8; chunk 3: 4 + 2 + 1 -> 8
        #expect(bytes.count == 4 + 20 + 8 + 8)
        #expect(try SourceDescription(parsing: bytes) == sdes)
    }

    @Test func itemsEndingOnWordBoundaryGetAFullNullWord() throws {
        // 4 (SSRC) + 2 + 2 = 8 bytes of items: the terminator needs another word.
        let sdes = SourceDescription(chunks: [SourceDescriptionChunk(source: 1, items: [SourceDescriptionItem(type: .name, "hi")])])
        let bytes = try sdes.marshal()
        #expect(bytes.count == 16)
        #expect(bytes[12...] == [0, 0, 0, 0])
    }

    @Test func everyTruncationThrows() {
        #expect(prefixesAccepted(sourceDescriptionBytes) { (b) throws(RTPError) in try SourceDescription(parsing: b) }.isEmpty)
    }

    @Test func itemLengthPastEnd() {
        var bytes = sourceDescriptionBytes
        bytes[9] = 0x20  // CNAME claims 32 bytes
        #expect(caughtError { () throws(RTPError) in _ = try SourceDescription(parsing: bytes) }
            == .lengthOverflow(.sdesItem, declared: 32, available: 18))
    }

    @Test func missingTerminator() {
        let bytes: [UInt8] = [0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 0x61, 0x62]  // item fills the body
        #expect(caughtError { () throws(RTPError) in _ = try SourceDescription(parsing: bytes) }
            == .truncated(.sdesItem, needed: 13, available: 12))
    }

    @Test func writeRejectsLongItem() {
        let sdes = SourceDescription(chunks: [SourceDescriptionChunk(source: 1, items: [
            SourceDescriptionItem(type: .cname, text: Array(repeating: 0x61, count: 256)),
        ])])
        #expect(caughtError { () throws(RTPError) in _ = try sdes.marshal() } == .invalidValue(.sdesItem, value: 256))
    }
}
