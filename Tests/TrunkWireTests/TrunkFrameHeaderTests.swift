import Testing

@testable import TrunkWire

/// A data frame header.
let dataHeaderBytes: [UInt8] = [
    0xE1, 0x10, 0x00, 0x00,  // marker 111 + version 1 | type 0x10 data | flags 0
    0xDE, 0xAD, 0xBE, 0xEF,  // key id 0xDEADBEEF
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // sender node tag
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,  // counter 256
]

struct TrunkFrameHeaderTests {
    @Test func parsesAndWritesTheAnnotatedHeader() throws {
        let header = try TrunkFrameHeader(parsing: dataHeaderBytes)
        #expect(header.version == 1)
        #expect(header.type == .data)
        #expect(header.keyID == 0xDEAD_BEEF)
        #expect(header.sender == TrunkNodeTag(rawValue: 0x0102_0304_0506_0708))
        #expect(header.counter == 256)
        #expect(header.marshal() == dataHeaderBytes)
        #expect(
            TrunkFrameHeader(type: .data, keyID: 0xDEAD_BEEF, sender: TrunkNodeTag(rawValue: 0x0102_0304_0506_0708), counter: 256)
                == header)
    }

    @Test func extraBytesAfterTheHeaderAreTheBody() throws {
        #expect(try TrunkFrameHeader(parsing: dataHeaderBytes + [1, 2, 3]).counter == 256)
    }

    @Test(arguments: 0..<TrunkFrameHeader.size)
    func everyTruncationIsTyped(length: Int) {
        #expect(throws: TrunkWireError.truncated(.frameHeader, needed: 24, available: length)) {
            try TrunkFrameHeader(parsing: Array(dataHeaderBytes.prefix(length)))
        }
    }

    struct BadByte: Sendable, CustomTestStringConvertible {
        let offset: Int
        let value: UInt8
        let error: TrunkWireError
        var testDescription: String { "byte \(offset) = \(value)" }
    }

    static let badBytes = [
        BadByte(offset: 0, value: 0x80, error: .notATrunkFrame(firstByte: 0x80)),  // RTP
        BadByte(offset: 0, value: 0x16, error: .notATrunkFrame(firstByte: 0x16)),  // DTLS
        BadByte(offset: 0, value: 0x00, error: .notATrunkFrame(firstByte: 0x00)),  // STUN
        BadByte(offset: 0, value: 0xC1, error: .notATrunkFrame(firstByte: 0xC1)),  // marker 110
        BadByte(offset: 0, value: 0xE2, error: .unsupportedVersion(2)),
        BadByte(offset: 0, value: 0xE0, error: .unsupportedVersion(0)),
        BadByte(offset: 1, value: 0x03, error: .unknownFrameType(3)),
        BadByte(offset: 1, value: 0xFF, error: .unknownFrameType(255)),
        BadByte(offset: 2, value: 0x80, error: .invalidValue(.frameHeader, value: 0x8000)),
        BadByte(offset: 3, value: 0x01, error: .invalidValue(.frameHeader, value: 1)),
    ]

    @Test(arguments: badBytes)
    func invalidFieldsAreTyped(_ c: BadByte) {
        var bytes = dataHeaderBytes
        bytes[c.offset] = c.value
        #expect(throws: c.error) { try TrunkFrameHeader(parsing: bytes) }
    }

    @Test(arguments: TrunkFrameType.allCases)
    func everyTypeRoundTrips(type: TrunkFrameType) throws {
        let header = TrunkFrameHeader(type: type, keyID: 1, sender: TrunkNodeTag(rawValue: .max), counter: .max)
        #expect(try TrunkFrameHeader(parsing: header.marshal()) == header)
        #expect(type.isSealed == (type == .data || type == .control))
    }

    @Test func writeNeedsRoom() {
        var small = [UInt8](repeating: 0, count: 23)
        let header = TrunkFrameHeader(type: .control, keyID: 1, sender: TrunkNodeTag(rawValue: 1), counter: 1)
        #expect(throws: TrunkWireError.bufferTooSmall(needed: 24, available: 23)) {
            try small.withUnsafeMutableBytes { (b) throws(TrunkWireError) in try header.write(into: b) }
        }
    }
}
