/// Sliding anti-replay window over 64-bit frame counters (RFC 6479).
///
/// RFC 6479 §2 keeps the window as a ring of bitmap blocks; when the highest
/// counter advances, only the blocks it moves into are cleared, so the cost is
/// independent of the jump size:
///
/// ```
///          +--------+--------+--------+ ... +--------+
/// ring     | block0 | block1 | block2 |     | blockN-1|   N = 32 blocks × 64 bits
///          +--------+--------+--------+ ... +--------+
///   counter c lives at block (c >> 6) & (N - 1), bit c & 63
/// ```
///
/// RFC 6479 §2 needs one spare block beyond the window; this ring holds 2,048
/// bits and the window is `windowSize` = 1,024 counters: a counter is accepted
/// when it is above the highest seen, or at most 1,023 below it and not seen.
///
/// Use in two steps so forged frames cannot move the window: `check` before
/// decrypting (cheap rejection), `commit` only after the frame authenticated.
/// Pure value type, no locking; one window per receiving direction.
public struct TrunkReplayWindow: Sendable, Equatable {
    /// Number of counters behind the highest one that are still accepted (plus the highest).
    public static let windowSize: UInt64 = 1024
    private static let blockBits: UInt64 = 64
    private static let blockShift: UInt64 = 6
    private static let blockCount = 32  // power of two, > windowSize / blockBits + 1
    private static let blockMask = UInt64(blockCount - 1)

    /// Outcome of checking a counter.
    public enum Verdict: Sendable, Equatable {
        /// Not seen and inside (or ahead of) the window.
        case accept
        /// Already received.
        case duplicate
        /// Too far behind the highest counter to tell; treated as a replay.
        case tooOld
    }

    private var bitmap: [UInt64]
    /// The highest counter committed so far (0 before the first commit).
    public private(set) var highest: UInt64 = 0

    /// An empty window: every counter from 0 up is acceptable.
    public init() {
        bitmap = [UInt64](repeating: 0, count: Self.blockCount)
    }

    /// Whether `counter` would be accepted, without changing the window.
    public func check(_ counter: UInt64) -> Verdict {
        if counter > highest { return .accept }
        if highest - counter >= Self.windowSize { return .tooOld }
        let (block, bit) = Self.position(of: counter)
        return bitmap[block] & bit == 0 ? .accept : .duplicate
    }

    /// Records `counter` as received if it is acceptable; returns the verdict.
    /// Call only after the frame carrying it authenticated.
    @discardableResult
    public mutating func commit(_ counter: UInt64) -> Verdict {
        let verdict = check(counter)
        guard verdict == .accept else { return verdict }
        if counter > highest {
            let currentBlock = highest >> Self.blockShift
            let newBlock = counter >> Self.blockShift
            let advance = min(newBlock - currentBlock, UInt64(Self.blockCount))
            var step: UInt64 = 1
            while step <= advance {
                bitmap[Int((currentBlock &+ step) & Self.blockMask)] = 0
                step += 1
            }
            highest = counter
        }
        let (block, bit) = Self.position(of: counter)
        bitmap[block] |= bit
        return .accept
    }

    @inline(__always)
    private static func position(of counter: UInt64) -> (block: Int, bit: UInt64) {
        (Int((counter >> blockShift) & blockMask), 1 << (counter & (blockBits - 1)))
    }
}
