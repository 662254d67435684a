import Testing
@testable import RTP

struct RTPRewriteTests {
    func rewrite(_ bytes: [UInt8], _ r: RTPRewrite, outSize: Int? = nil) throws(RTPError) -> [UInt8] {
        let view = try RTPHeaderView(parsing: bytes)
        return try parse(bytes) { (input) throws(RTPError) in
            try written(size: outSize ?? bytes.count) { (out) throws(RTPError) in try view.rewrite(input, with: r, into: out) }
        }
    }

    @Test func rewritesFieldsAndKeepsExtensionsWithIdentityMap() throws {
        let r = RTPRewrite(ssrc: 0xAABB_CCDD, sequenceNumber: 0x0102, timestamp: 0x0A0B_0C0D, payloadType: 109)
        let out = try rewrite(chromeOpusPacket, r)
        var expected = chromeOpusPacket
        expected.replaceSubrange(1..<12, with: [
            0x6D,  // M=0 PT=109
            0x01, 0x02,  // seq
            0x0A, 0x0B, 0x0C, 0x0D,  // timestamp
            0xAA, 0xBB, 0xCC, 0xDD,  // SSRC
        ])
        #expect(out == expected)
    }

    @Test func remapsAndDropsExtensionIDs() throws {
        // Subscriber negotiated: audio level 5, transport-cc 1, no abs-send-time, mid 4.
        let map = try RTPExtensionIDMap([1: 5, 3: 1, 4: 4])
        let r = RTPRewrite(ssrc: 1, sequenceNumber: 2, timestamp: 3, payloadType: 111, extensionIDs: map)
        let out = try rewrite(chromeOpusPacket, r)
        #expect(out == [
            0x90, 0x6F, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
            0xBE, 0xDE, 0x00, 0x02,  // 7 bytes of elements -> 2 words
            0x50, 0xAA,  // id 5: audio level
            0x11, 0x00, 0x2A,  // id 1: transport-cc 42
            0x40, 0x30,  // id 4: mid "0"
            0x00,  // padding
            0xFC, 0xFF, 0xFE,  // payload
        ])
    }

    @Test func droppingEveryElementRemovesTheBlock() throws {
        let r = RTPRewrite(ssrc: 9, sequenceNumber: 9, timestamp: 9, payloadType: 111, extensionIDs: .dropAll)
        let out = try rewrite(chromeOpusPacket, r)
        #expect(out == [0x80, 0x6F, 0, 9, 0, 0, 0, 9, 0, 0, 0, 9, 0xFC, 0xFF, 0xFE])
    }

    @Test func keepsCSRCsMarkerAndPadding() throws {
        let r = RTPRewrite(ssrc: 5, sequenceNumber: 6, timestamp: 7, payloadType: 100)
        let out = try rewrite(csrcPaddedPacket, r)
        let packet = try RTPPacket(parsing: out)
        #expect(packet.header.marker)
        #expect(packet.header.csrcs == [2, 3])
        #expect(packet.payload == [1, 2, 3])
        #expect(packet.paddingLength == 4)
        #expect(packet.header.payloadType == 100)
    }

    @Test func twoByteFormKeepsFormAndDropsIDsAbove14() throws {
        let r = RTPRewrite(ssrc: 1, sequenceNumber: 1, timestamp: 1, payloadType: 96, extensionIDs: try RTPExtensionIDMap([5: 7, 10: 2]))
        let out = try rewrite(twoByteExtensionPacket, r)
        let packet = try RTPPacket(parsing: out)
        #expect(packet.header.extensions == .twoByte([.init(id: 7, value: [2]), .init(id: 2, value: [])], appBits: 0))
        #expect(packet.payload == [0xAB])
    }

    @Test func errors() throws {
        let r = RTPRewrite(ssrc: 1, sequenceNumber: 1, timestamp: 1, payloadType: 96)
        #expect(caughtError { () throws(RTPError) in _ = try rewrite(chromeOpusPacket, r, outSize: 30) }
            == .bufferTooSmall(needed: 31, available: 30))
        let view = try RTPHeaderView(parsing: chromeOpusPacket)
        let short = Array(chromeOpusPacket[0..<20])
        let error = caughtError { () throws(RTPError) in
            _ = try parse(short) { (input) throws(RTPError) in
                try written(size: 64) { (out) throws(RTPError) in try view.rewrite(input, with: r, into: out) }
            }
        }
        #expect(error == .truncated(.rtpHeader, needed: 31, available: 20))
    }

    @Test func idMap() throws {
        var map = RTPExtensionIDMap.identity
        #expect(map.mappedID(3) == 3 && map.mappedID(14) == 14 && map.mappedID(15) == nil && map.mappedID(0) == nil)
        try map.map(3, to: nil)
        try map.map(4, to: 9)
        #expect(map.mappedID(3) == nil && map.mappedID(4) == 9 && map.mappedID(5) == 5)
        #expect(caughtError { () throws(RTPError) in try map.map(15, to: 1) } == .invalidValue(.headerExtensionElement, value: 15))
        #expect(caughtError { () throws(RTPError) in try map.map(1, to: 15) } == .invalidValue(.headerExtensionElement, value: 15))
    }
}
