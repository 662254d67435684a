import Testing
@testable import RTP

/// An Opus packet as Chrome sends it, with four one-byte extensions
/// (extmap 1 ssrc-audio-level, 2 abs-send-time, 3 transport-wide-cc, 4 mid).
let chromeOpusPacket: [UInt8] = [
    0x90, 0x6F, 0x4A, 0x5B,  // V=2 P=0 X=1 CC=0 | M=0 PT=111 | seq 0x4a5b
    0x00, 0x00, 0x3C, 0x40,  // timestamp 15424
    0x12, 0x34, 0x56, 0x78,  // SSRC 0x12345678
    0xBE, 0xDE, 0x00, 0x03,  // one-byte profile, 3 words
    0x10, 0xAA,  // id 1 L=0: audio level V=1 level 42
    0x22, 0x0D, 0x1B, 0x5E,  // id 2 L=2: abs-send-time 0x0d1b5e
    0x31, 0x00, 0x2A,  // id 3 L=1: transport-wide seq 42
    0x40, 0x30,  // id 4 L=0: mid "0"
    0x00,  // padding to the word boundary
    0xFC, 0xFF, 0xFE,  // Opus payload (TOC 0xfc + 2 bytes)
]

/// A packet with two CSRCs, marker set, padding of 4 bytes and no extension.
let csrcPaddedPacket: [UInt8] = [
    0xA2, 0xE0, 0xFF, 0xFF,  // V=2 P=1 X=0 CC=2 | M=1 PT=96 | seq 65535
    0xDE, 0xAD, 0xBE, 0xEF,  // timestamp
    0x00, 0x00, 0x00, 0x01,  // SSRC 1
    0x00, 0x00, 0x00, 0x02,  // CSRC 2
    0x00, 0x00, 0x00, 0x03,  // CSRC 3
    0x01, 0x02, 0x03,  // payload
    0x00, 0x00, 0x00, 0x04,  // padding, count 4
]

struct RTPHeaderViewTests {
    @Test func parsesChromeOpusPacket() throws {
        let view = try RTPHeaderView(parsing: chromeOpusPacket)
        #expect(view.marker == false)
        #expect(view.payloadType == 111)
        #expect(view.sequenceNumber == 0x4A5B)
        #expect(view.timestamp == 15424)
        #expect(view.ssrc == 0x1234_5678)
        #expect(view.csrcCount == 0)
        #expect(view.extensionProfile == 0xBEDE)
        #expect(view.extensionForm == .oneByte)
        #expect(view.extensionOffset == 16)
        #expect(view.extensionLength == 12)
        #expect(view.payloadOffset == 28)
        #expect(view.payloadLength == 3)
        #expect(view.paddingLength == 0)
        #expect(view.packetLength == chromeOpusPacket.count)
    }

    @Test func parsesCSRCsMarkerAndPadding() throws {
        let view = try RTPHeaderView(parsing: csrcPaddedPacket)
        #expect(view.marker)
        #expect(view.payloadType == 96)
        #expect(view.sequenceNumber == 65535)
        #expect(view.csrcCount == 2)
        #expect(view.hasPadding)
        #expect(view.paddingLength == 4)
        #expect(view.payloadRange == 20..<23)
        csrcPaddedPacket.withUnsafeBytes { b in
            #expect(view.csrc(at: 0, in: b) == 2)
            #expect(view.csrc(at: 1, in: b) == 3)
            #expect(view.csrc(at: 2, in: b) == nil)
            #expect(Array(view.payload(in: b)) == [1, 2, 3])
        }
    }

    struct BadPacket: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let error: RTPError
        var testDescription: String { name }
    }

    static let badPackets: [BadPacket] = [
        BadPacket(name: "shorter than fixed header", bytes: [0x80, 0x60, 0x00], error: .truncated(.rtpHeader, needed: 12, available: 3)),
        BadPacket(
            name: "version 1",
            bytes: [0x40, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1],  // V=1
            error: .unsupportedVersion(1)),
        BadPacket(
            name: "CSRC count past end",
            bytes: [0x83, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,  // CC=3: needs 24 bytes
                    0, 0, 0, 9],
            error: .truncated(.csrcList, needed: 24, available: 16)),
        BadPacket(
            name: "extension header missing",
            bytes: [0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,  // X=1
                    0xBE, 0xDE],
            error: .truncated(.headerExtension, needed: 16, available: 14)),
        BadPacket(
            name: "extension length past end",
            bytes: [0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
                    0xBE, 0xDE, 0x00, 0x02,  // 2 words declared
                    0x10, 0x01, 0x00, 0x00],  // 1 word present
            error: .lengthOverflow(.headerExtension, declared: 8, available: 4)),
        BadPacket(
            name: "one-byte element past extension end",
            bytes: [0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
                    0xBE, 0xDE, 0x00, 0x01,
                    0x00, 0x00, 0x13, 0xAA],  // id 1 L=3 needs 4 bytes, 1 left
            error: .lengthOverflow(.headerExtensionElement, declared: 4, available: 1)),
        BadPacket(
            name: "two-byte element header cut",
            bytes: [0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
                    0x10, 0x00, 0x00, 0x01,
                    0x00, 0x00, 0x00, 0x05],  // id 5 with no length byte
            error: .lengthOverflow(.headerExtensionElement, declared: 2, available: 1)),
        BadPacket(
            name: "padding larger than payload",
            bytes: [0xA0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,  // P=1
                    0xAB, 0x00, 0x09],  // count 9 > 3 bytes after header
            error: .invalidPadding(length: 9, available: 3)),
        BadPacket(
            name: "padding count zero",
            bytes: [0xA0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAB, 0x00],
            error: .invalidPadding(length: 0, available: 2)),
        BadPacket(
            name: "padding bit without bytes",
            bytes: [0xA0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1],
            error: .invalidPadding(length: 0, available: 0)),
    ]

    @Test(arguments: badPackets)
    func rejectsMalformed(_ packet: BadPacket) {
        #expect(caughtError { () throws(RTPError) in _ = try RTPHeaderView(parsing: packet.bytes) } == packet.error)
    }

    @Test(arguments: [chromeOpusPacket, csrcPaddedPacket])
    func everyHeaderTruncationThrows(_ packet: [UInt8]) throws {
        let view = try RTPHeaderView(parsing: packet)
        let accepted = prefixesAccepted(packet) { (b) throws(RTPError) in try RTPHeaderView(parsing: b) }
        // Only prefixes that keep the whole header can parse (as shorter payloads).
        #expect(accepted.allSatisfy { $0 >= view.payloadOffset })
        #expect(accepted.count <= packet.count - view.payloadOffset)
    }

    @Test func accessorsRejectForeignShortBuffer() throws {
        let view = try RTPHeaderView(parsing: chromeOpusPacket)
        let short = Array(chromeOpusPacket[0..<14])
        short.withUnsafeBytes { b in
            #expect(view.extensionData(id: 1, in: b) == nil)
            #expect(view.payload(in: b).isEmpty)
            var elements = view.extensionElements(in: b)
            #expect(elements.next() == nil)
        }
    }

    @Test func oneByteIdFifteenStopsProcessing() throws {
        let bytes: [UInt8] = [
            0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
            0xBE, 0xDE, 0x00, 0x02,
            0x10, 0x05,  // id 1 L=0
            0xF3,  // id 15: stop here (RFC 8285 §4.2), its length is ignored
            0x20, 0x01, 0x02, 0x03, 0x04,  // would be id 2, never read
        ]
        let view = try RTPHeaderView(parsing: bytes)
        bytes.withUnsafeBytes { b in
            #expect(view.extensionRange(id: 1, in: b) == 17..<18)
            #expect(view.extensionRange(id: 2, in: b) == nil)
        }
    }
}
