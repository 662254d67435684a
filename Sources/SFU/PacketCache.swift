/// A per-stream cache of recently received RTP packets (plaintext), used to
/// answer generic NACKs without asking the publisher (mediasoup's
/// RtpStreamSend retransmission buffer).
///
/// Storage is allocated once: `capacity` slots of `slotSize` bytes. Storing
/// and reading never allocate. Slot `i` holds the packet whose sequence
/// number is congruent to `i` modulo `capacity`; a newer packet overwrites an
/// older one. Not thread-safe: one stream, one event loop.
public final class PacketCache {
    public struct Configuration: Sendable {
        /// Number of packets kept. A power of two. 512 packets of video at
        /// 2 Mbit/s and 1,200 bytes is about 2.4 s of history.
        public var capacity: Int = 512
        /// Largest packet kept; longer packets are not cached (counted).
        public var slotSize: Int = 1500
        public init() {}
    }

    private let capacity: Int
    private let slotSize: Int
    private let storage: UnsafeMutableRawBufferPointer
    private var lengths: [Int]
    private var sequenceNumbers: [UInt16]
    private var storedAt: [UInt64]

    public init(configuration: Configuration = .init()) {
        var cap = 1
        while cap < max(1, configuration.capacity) { cap <<= 1 }
        capacity = cap
        slotSize = max(12, configuration.slotSize)
        storage = .allocate(byteCount: cap * slotSize, alignment: 16)
        lengths = Array(repeating: 0, count: cap)
        sequenceNumbers = Array(repeating: 0, count: cap)
        storedAt = Array(repeating: 0, count: cap)
    }

    deinit { storage.deallocate() }

    /// Stores a packet. Returns false (and stores nothing) when it is larger than a slot.
    @discardableResult
    public func store(sequenceNumber: UInt16, packet: UnsafeRawBufferPointer, nowNanoseconds: UInt64) -> Bool {
        guard packet.count <= slotSize, packet.count > 0 else { return false }
        let index = Int(sequenceNumber) & (capacity - 1)
        let slot = UnsafeMutableRawBufferPointer(rebasing: storage[(index * slotSize)..<(index * slotSize + packet.count)])
        slot.copyMemory(from: packet)
        lengths[index] = packet.count
        sequenceNumbers[index] = sequenceNumber
        storedAt[index] = nowNanoseconds
        return true
    }

    /// Calls `body` with the cached packet for `sequenceNumber`, if it is still
    /// held and not older than `maxAgeNanoseconds`.
    public func withPacket<R>(
        sequenceNumber: UInt16,
        nowNanoseconds: UInt64,
        maxAgeNanoseconds: UInt64 = 2_000_000_000,
        _ body: (UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R? {
        let index = Int(sequenceNumber) & (capacity - 1)
        let length = lengths[index]
        guard length > 0, sequenceNumbers[index] == sequenceNumber else { return nil }
        guard nowNanoseconds &- storedAt[index] <= maxAgeNanoseconds else { return nil }
        let start = index * slotSize
        return try body(UnsafeRawBufferPointer(rebasing: storage[start..<(start + length)]))
    }

    /// Forgets every packet (a stream restarted).
    public func removeAll() {
        for i in 0..<capacity { lengths[i] = 0 }
    }
}
