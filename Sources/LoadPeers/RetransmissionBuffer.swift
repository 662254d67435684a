/// The last `slots` plaintext RTP packets sent, by sequence number (slot =
/// sequence mod slots), in one preallocated block.
final class RetransmissionBuffer {
    private let slots: Int
    private let slotSize: Int
    private let storage: UnsafeMutableRawBufferPointer
    private var sequence: [UInt16]
    private var lengths: [Int]

    init(slots: Int, slotSize: Int) {
        self.slots = slots
        self.slotSize = slotSize
        storage = .allocate(byteCount: slots * slotSize, alignment: 16)
        sequence = [UInt16](repeating: 0, count: slots)
        lengths = [Int](repeating: 0, count: slots)
    }

    deinit { storage.deallocate() }

    /// Keeps a copy of an RTP packet (its sequence number is read from the header).
    func store(_ packet: UnsafeRawBufferPointer) {
        guard packet.count >= 12, packet.count <= slotSize else { return }
        let seq = UInt16(packet[2]) << 8 | UInt16(packet[3])
        let slot = Int(seq) % slots
        UnsafeMutableRawBufferPointer(rebasing: storage[(slot * slotSize)..<(slot * slotSize + packet.count)])
            .copyMemory(from: packet)
        sequence[slot] = seq
        lengths[slot] = packet.count
    }

    /// The stored length of `seq`, 0 if it is no longer kept.
    func length(of seq: UInt16) -> Int {
        let slot = Int(seq) % slots
        return sequence[slot] == seq ? lengths[slot] : 0
    }

    /// Copies packet `seq` into `buffer`; returns its length (0 if gone or too big).
    func copy(_ seq: UInt16, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let length = length(of: seq)
        guard length > 0, buffer.count >= length else { return 0 }
        let start = (Int(seq) % slots) * slotSize
        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[start..<(start + length)]))
        return length
    }
}
