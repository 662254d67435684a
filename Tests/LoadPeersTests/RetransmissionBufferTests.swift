@testable import LoadPeers
import Testing

@Suite("Publisher retransmission buffer")
struct RetransmissionBufferTests {
    /// A 20-byte RTP packet with sequence number `seq` and a recognisable last byte.
    private func packet(_ seq: UInt16, marker byte: UInt8) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 20)
        bytes[0] = 0x80
        bytes[2] = UInt8(seq >> 8)
        bytes[3] = UInt8(seq & 0xFF)
        bytes[19] = byte
        return bytes
    }

    @Test("keeps the last packets by sequence number; an overwritten slot answers nothing")
    func storeAndCopy() {
        let buffer = RetransmissionBuffer(slots: 4, slotSize: 64)
        for seq: UInt16 in [65534, 65535, 0, 1] { packet(seq, marker: UInt8(truncatingIfNeeded: seq)).withUnsafeBytes(buffer.store) }
        var out = [UInt8](repeating: 0, count: 64)
        #expect(buffer.length(of: 65535) == 20)
        #expect(out.withUnsafeMutableBytes { buffer.copy(65535, into: $0) } == 20)
        #expect(out[19] == 0xFF)
        // Sequence 2 takes the slot of 65534 (2 mod 4 == 65534 mod 4).
        packet(2, marker: 2).withUnsafeBytes(buffer.store)
        #expect(buffer.length(of: 65534) == 0)
        #expect(out.withUnsafeMutableBytes { buffer.copy(65534, into: $0) } == 0)
        #expect(buffer.length(of: 2) == 20)
        // Too small a destination, too large or too short a packet.
        var small = [UInt8](repeating: 0, count: 10)
        #expect(small.withUnsafeMutableBytes { buffer.copy(2, into: $0) } == 0)
        [UInt8](repeating: 0x80, count: 100).withUnsafeBytes(buffer.store)
        [UInt8](repeating: 0x80, count: 5).withUnsafeBytes(buffer.store)
        #expect(buffer.length(of: 0x8080) == 0)
    }
}
