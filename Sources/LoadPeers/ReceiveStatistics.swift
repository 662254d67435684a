import RTP

/// What one subscriber received of one stream (SSRC) in a measurement
/// window: packets, duplicates and loss by sequence-number gaps (RFC 3550
/// §A.3: expected = highest extended sequence − base + 1, lost = expected −
/// received), with 16-bit wraparound handled by ``SequenceUnwrapper``.
public struct StreamReceiveStatistics: Sendable, Hashable {
    /// Distinct packets of the window that arrived.
    public private(set) var received: UInt64 = 0
    /// Packets that arrived a second time (retransmissions of packets that were not lost, replays).
    public private(set) var duplicates: UInt64 = 0
    /// Packets from before the window (late, reordered) that were ignored.
    public private(set) var beforeWindow: UInt64 = 0
    /// Bytes of RTP (plaintext) that arrived.
    public private(set) var bytes: UInt64 = 0

    private var unwrapper = SequenceUnwrapper()
    /// First extended sequence number that belongs to the window.
    private var base: Int64?
    private var highest: Int64?
    /// Which of the 1,024 sequence numbers up to `highest` arrived (bit i: highest − i).
    private var seen = SeenWindow()

    public init() {}

    /// Packets the window should have had: from its first sequence number to the highest seen.
    public var expected: UInt64 {
        guard let base, let highest, highest >= base else { return 0 }
        return UInt64(highest - base + 1)
    }

    /// Packets missing in the window (never negative).
    public var lost: UInt64 {
        expected > received ? expected - received : 0
    }

    /// Takes one packet's sequence number and size; returns whether it
    /// counted (false for duplicates and packets from before the window).
    @discardableResult
    public mutating func record(sequenceNumber: UInt16, bytes count: Int) -> Bool {
        let extended = unwrapper.unwrap(sequenceNumber)
        guard let currentHighest = highest else {
            base = base ?? extended
            highest = extended
            seen.reset(marking: 0)
            received += 1
            bytes &+= UInt64(count)
            return true
        }
        if let base, extended < base {
            beforeWindow += 1
            return false
        }
        if extended > currentHighest {
            seen.shift(by: extended - currentHighest)
            highest = extended
            seen.mark(0)
        } else {
            let age = currentHighest - extended
            if seen.contains(age) {
                duplicates += 1
                return false
            }
            seen.mark(age)
        }
        received += 1
        bytes &+= UInt64(count)
        return true
    }

    /// Starts a new window after the highest sequence number seen so far:
    /// counts go to zero; packets older than that are ignored from now on.
    public mutating func beginWindow() {
        received = 0
        duplicates = 0
        beforeWindow = 0
        bytes = 0
        if let highest {
            base = highest + 1
        }
    }

    /// Adds another stream's counts (for totals over many streams).
    public static func total(_ streams: some Sequence<StreamReceiveStatistics>) -> Totals {
        var result = Totals()
        for stream in streams {
            result.received += stream.received
            result.expected += stream.expected
            result.lost += stream.lost
            result.duplicates += stream.duplicates
            result.beforeWindow += stream.beforeWindow
        }
        return result
    }

    /// Sums over several streams.
    public struct Totals: Sendable, Hashable {
        public var received: UInt64 = 0
        public var expected: UInt64 = 0
        public var lost: UInt64 = 0
        public var duplicates: UInt64 = 0
        /// Packets that looked older than the window: reordering, or a forward
        /// jump of 2^15 or more sequence numbers, which RFC 3550 arithmetic
        /// cannot tell from an old packet. Many of these mean a broken stream.
        public var beforeWindow: UInt64 = 0

        public init() {}
    }
}

/// A 1,024-bit record of which recent sequence numbers arrived (bit `age`:
/// the packet `age` below the highest). Older packets count as unseen.
struct SeenWindow: Sendable, Hashable {
    static let size: Int64 = 1024
    private var words = [UInt64](repeating: 0, count: Int(size / 64))

    mutating func reset(marking age: Int64) {
        for index in words.indices { words[index] = 0 }
        mark(age)
    }

    func contains(_ age: Int64) -> Bool {
        guard age >= 0, age < Self.size else { return false }
        return words[Int(age / 64)] & (1 << UInt64(age % 64)) != 0
    }

    mutating func mark(_ age: Int64) {
        guard age >= 0, age < Self.size else { return }
        words[Int(age / 64)] |= 1 << UInt64(age % 64)
    }

    /// Ages every entry by `count` (a newer highest sequence number arrived).
    mutating func shift(by count: Int64) {
        guard count > 0 else { return }
        guard count < Self.size else {
            for index in words.indices { words[index] = 0 }
            return
        }
        let wordShift = Int(count / 64)
        let bitShift = UInt64(count % 64)
        for index in stride(from: words.count - 1, through: 0, by: -1) {
            let source = index - wordShift
            var value: UInt64 = 0
            if source >= 0 {
                value = words[source] << bitShift
                if bitShift > 0, source - 1 >= 0 { value |= words[source - 1] >> (64 - bitShift) }
            }
            words[index] = value
        }
    }
}
