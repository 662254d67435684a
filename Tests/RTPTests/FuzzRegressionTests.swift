import Testing
@testable import RTP

/// Inputs the fuzz harnesses found (kept in fuzz/regressions/) replayed as
/// unit tests, each named for what used to go wrong.
struct FuzzRegressionTests {
    /// fuzz/regressions/RTP/one-byte-id0-nonzero-length: a one-byte extension
    /// byte 0x0F (ID 0, L=15) was parsed as an element with id 0, which the
    /// writer then refused (`invalidValue(.headerExtensionElement, 0)`), so a
    /// parsed packet could not be re-serialized. ID 0 is now a padding byte
    /// whatever its length nibble (RFC 8285 §4.2, as libwebrtc reads it).
    static let oneByteIDZeroWithLength: [UInt8] = [
        0x90, 0x6F, 0x4A, 0x5B, 0x00, 0x00, 0x12, 0x40, 0x3C, 0x34, 0x30, 0x4B, 0xBE, 0xDE, 0x00, 0x0F,
        0x0F, 0x0F, 0x60, 0x0F, 0x0F, 0x0F, 0x10, 0x10, 0x10, 0x00, 0x01, 0x0A, 0x10, 0x10, 0x00, 0x10,
        0x00, 0x00, 0x00, 0x00, 0x10, 0x0D, 0x0A, 0x40, 0x0B, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x01, 0x20,
        0x00, 0x00, 0x14, 0x01, 0x10, 0x01, 0x00, 0x01, 0x00, 0x01, 0x03, 0x12, 0xAA, 0x22, 0x00, 0x00,
        0x00, 0x00, 0xFF, 0x5D, 0x2A, 0x40, 0x30, 0x00, 0xFC, 0xFF, 0x07, 0xFC, 0xFF, 0x07, 0x07, 0x07,
        0x07, 0x07, 0x07, 0x03, 0x07, 0x07, 0xFE,
    ]

    @Test func oneByteIDZeroWithLengthIsPadding() throws {
        let bytes: [UInt8] = [
            0x90, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2,
            0xBE, 0xDE, 0x00, 0x01,
            0x0F,  // ID 0, L=15: a padding byte, not a 16-byte element
            0x10, 0xAA,  // id 1 L=0
            0x00,
        ]
        let packet = try RTPPacket(parsing: bytes)
        #expect(packet.header.extensions == .oneByte([RTPHeaderExtension(id: 1, value: [0xAA])]))
        #expect(try RTPPacket(parsing: packet.marshal()) == packet)
    }

    @Test func oneByteIDZeroWithLengthFuzzInputRoundTrips() throws {
        let packet = try RTPPacket(parsing: Self.oneByteIDZeroWithLength)
        #expect(try RTPPacket(parsing: packet.marshal()) == packet)
        let view = try RTPHeaderView(parsing: Self.oneByteIDZeroWithLength)
        let rewrite = RTPRewrite(ssrc: 1, sequenceNumber: 2, timestamp: 3, payloadType: 4)
        let out = try parse(Self.oneByteIDZeroWithLength) { (input) throws(RTPError) in
            try written(size: 256) { (o) throws(RTPError) in try view.rewrite(input, with: rewrite, into: o) }
        }
        #expect(try RTPPacket(parsing: out).header.extensions == packet.header.extensions)
    }
}
