import Testing
@testable import RTP

struct RTPPacketTests {
    @Test(arguments: [chromeOpusPacket, csrcPaddedPacket, twoByteExtensionPacket])
    func roundTripParseWriteParse(_ bytes: [UInt8]) throws {
        let packet = try RTPPacket(parsing: bytes)
        let out = try packet.marshal()
        #expect(out.count == packet.marshalSize)
        #expect(try RTPPacket(parsing: out) == packet)
    }

    @Test(arguments: [chromeOpusPacket, csrcPaddedPacket])
    func canonicalPacketsRewriteIdentically(_ bytes: [UInt8]) throws {
        #expect(try RTPPacket(parsing: bytes).marshal() == bytes)
    }

    @Test func paddedPacketFields() throws {
        let packet = try RTPPacket(parsing: csrcPaddedPacket)
        #expect(packet.header.csrcs == [2, 3])
        #expect(packet.payload == [1, 2, 3])
        #expect(packet.paddingLength == 4)
    }

    @Test func opaqueProfileRoundTrip() throws {
        let bytes: [UInt8] = [
            0x90, 0x00, 0x00, 0x05, 0, 0, 0, 0, 0, 0, 0, 7,  // X=1 PT=0 seq 5 SSRC 7
            0xAB, 0xCD, 0x00, 0x01,  // profile 0xabcd, 1 word
            0x01, 0x02, 0x03, 0x04,  // opaque data
        ]
        let packet = try RTPPacket(parsing: bytes)
        #expect(packet.header.extensions == .opaque(profile: 0xABCD, data: [1, 2, 3, 4]))
        #expect(try packet.marshal() == bytes)
    }

    @Test func writeErrors() {
        let tooManyCSRCs = RTPPacket(
            header: RTPHeader(payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: 1, csrcs: Array(repeating: 1, count: 16)),
            payload: [])
        #expect(caughtError { () throws(RTPError) in _ = try tooManyCSRCs.marshal() } == .tooManyItems(.csrcList, count: 16, limit: 15))
        let badPT = RTPPacket(header: RTPHeader(payloadType: 128, sequenceNumber: 0, timestamp: 0, ssrc: 1), payload: [])
        #expect(caughtError { () throws(RTPError) in _ = try badPT.marshal() } == .invalidValue(.rtpHeader, value: 128))
        let packet = RTPPacket(header: RTPHeader(payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: 1), payload: [1, 2])
        #expect(caughtError { () throws(RTPError) in _ = try written(size: 13) { (b) throws(RTPError) in try packet.write(into: b) } }
            == .bufferTooSmall(needed: 14, available: 13))
    }

    @Test func everyTruncationOfPaddedPacketThrowsOrParses() {
        // Prefixes cut into the padding move the count octet: they must throw
        // a typed error or parse, never trap.
        let accepted = prefixesAccepted(csrcPaddedPacket) { (b) throws(RTPError) in try RTPPacket(parsing: b) }
        #expect(accepted.allSatisfy { $0 >= 20 })
    }
}
