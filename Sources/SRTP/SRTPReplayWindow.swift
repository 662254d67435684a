/// RFC 3711 §3.3.1 packet-index estimation and §3.3.2 replay list for one
/// SRTP stream (one SSRC), with libsrtp's conventions so both ends agree on
/// the rollover counter: until the index passes 2^15 the ROC is taken as 0.
///
/// The index is 48 bits: `ROC << 16 | SEQ`. The replay list is a bitmap of
/// `size` entries (a power of two ≥ the configured window) indexed by
/// `index mod size`; only the last `window` indices count as "in window".
struct SRTPReplayWindow {
    /// Highest index accepted so far (0 before the first packet).
    private(set) var highest: UInt64 = 0
    private var bits: [UInt64]
    private let mask: UInt64
    let window: UInt64

    init(window: Int) {
        var size = 64
        while size < window { size <<= 1 }
        bits = [UInt64](repeating: 0, count: size / 64)
        mask = UInt64(size - 1)
        self.window = UInt64(window)
    }

    /// RFC 3711 Appendix A: the index whose low 16 bits are `sequence` and
    /// which lies nearest to the highest index so far.
    func estimate(sequence: UInt16) -> UInt64 {
        guard highest > 0x8000 else { return UInt64(sequence) }
        let localROC = highest >> 16
        let localSequence = Int(highest & 0xFFFF)
        let sequence = Int(sequence)
        var roc = localROC
        if localSequence < 0x8000 {
            if sequence - localSequence > 0x8000 { roc = localROC - 1 }
        } else if localSequence - 0x8000 > sequence {
            roc = localROC + 1
        }
        return (roc << 16) | UInt64(sequence)
    }

    enum Check: Equatable {
        case new
        case replayed
        case tooOld
    }

    /// Whether `index` was seen (`replayed`), lies before the window
    /// (`tooOld`) or is new.
    func check(_ index: UInt64) -> Check {
        if index > highest || (highest == 0 && !isSet(0)) { return .new }
        if highest - index >= window { return .tooOld }
        return isSet(index) ? .replayed : .new
    }

    /// Records `index` as received (call only after the packet authenticated).
    mutating func commit(_ index: UInt64) {
        if index > highest {
            let advance = index - highest
            if advance >= mask + 1 {
                for word in bits.indices { bits[word] = 0 }
            } else {
                var clear = highest + 1
                while clear < index {
                    clearBit(clear)
                    clear += 1
                }
            }
            highest = index
        }
        setBit(index)
    }

    private func isSet(_ index: UInt64) -> Bool {
        let slot = index & mask
        return bits[Int(slot >> 6)] & (1 << (slot & 63)) != 0
    }

    private mutating func setBit(_ index: UInt64) {
        let slot = index & mask
        bits[Int(slot >> 6)] |= 1 << (slot & 63)
    }

    private mutating func clearBit(_ index: UInt64) {
        let slot = index & mask
        bits[Int(slot >> 6)] &= ~(1 << (slot & 63))
    }
}
