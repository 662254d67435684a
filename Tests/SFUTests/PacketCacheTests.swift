import Testing
@testable import SFU

@Suite struct PacketCacheTests {
    @Test func storesAndReturnsBySequence() {
        var config = PacketCache.Configuration()
        config.capacity = 4
        let cache = PacketCache(configuration: config)
        for seq: UInt16 in 65_534...65_535 {
            let bytes: [UInt8] = [UInt8(seq & 0xFF), 1, 2]
            bytes.withUnsafeBytes { _ = cache.store(sequenceNumber: seq, packet: $0, nowNanoseconds: 0) }
        }
        let hit = cache.withPacket(sequenceNumber: 65_535, nowNanoseconds: 1) { Array($0) }
        #expect(hit == [0xFF, 1, 2])
        #expect(cache.withPacket(sequenceNumber: 3, nowNanoseconds: 1) { Array($0) } == nil)
    }

    @Test func newerPacketEvictsOlderInTheSameSlot() {
        var config = PacketCache.Configuration()
        config.capacity = 4
        let cache = PacketCache(configuration: config)
        [UInt8(1)].withUnsafeBytes { _ = cache.store(sequenceNumber: 1, packet: $0, nowNanoseconds: 0) }
        [UInt8(5)].withUnsafeBytes { _ = cache.store(sequenceNumber: 5, packet: $0, nowNanoseconds: 0) }
        #expect(cache.withPacket(sequenceNumber: 1, nowNanoseconds: 0) { Array($0) } == nil)
        #expect(cache.withPacket(sequenceNumber: 5, nowNanoseconds: 0) { Array($0) } == [5])
    }

    @Test func tooOldOrTooLargeIsNotServed() {
        var config = PacketCache.Configuration()
        config.slotSize = 16
        let cache = PacketCache(configuration: config)
        let big = [UInt8](repeating: 0, count: 17)
        #expect(big.withUnsafeBytes { cache.store(sequenceNumber: 1, packet: $0, nowNanoseconds: 0) } == false)
        [UInt8(9)].withUnsafeBytes { _ = cache.store(sequenceNumber: 2, packet: $0, nowNanoseconds: 0) }
        #expect(cache.withPacket(sequenceNumber: 2, nowNanoseconds: 3_000_000_000) { Array($0) } == nil)
    }
}
