/// Detects packets missing from one received RTP stream and decides when to
/// ask the sender for them again with a generic NACK (RFC 4585 §6.2.1), as
/// mediasoup's NackGenerator does: a gap adds its sequence numbers to a
/// bounded list; each is requested at most `maxRetries` times, no more often
/// than `retryIntervalNanoseconds`, and forgotten when it arrives or grows
/// too old.
public struct NackGenerator: Sendable {
    public struct Configuration: Sendable {
        /// At most this many sequence numbers are tracked; a bigger gap is a
        /// stream restart, not loss.
        public var maxMissing: Int = 256
        public var maxRetries: Int = 8
        /// Time between two requests for the same packet (about one RTT on
        /// the publisher's path; 50 ms suits loopback to continental paths).
        public var retryIntervalNanoseconds: UInt64 = 50_000_000
        /// A packet missing for longer than this is given up on.
        public var maxAgeNanoseconds: UInt64 = 1_000_000_000
        public init() {}
    }

    private struct Missing: Sendable {
        var sequenceNumber: UInt16
        var firstMissedNanoseconds: UInt64
        var lastRequestedNanoseconds: UInt64?
        var retries: Int
    }

    public let configuration: Configuration
    private var highest: UInt16?
    private var missing: [Missing] = []

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Number of sequence numbers currently awaited.
    public var missingCount: Int { missing.count }

    /// Records a received packet. Returns true when it fills a gap (a
    /// retransmission or a late packet).
    @discardableResult
    public mutating func received(sequenceNumber seq: UInt16, nowNanoseconds now: UInt64) -> Bool {
        guard let last = highest else {
            highest = seq
            return false
        }
        let forward = seq &- last
        if forward == 0 { return false }
        if forward < 0x8000 {
            let gap = Int(forward) - 1
            if gap > configuration.maxMissing {
                // A jump, not loss: start over from here.
                missing.removeAll()
            } else if gap > 0 {
                var s = last &+ 1
                while s != seq {
                    missing.append(Missing(sequenceNumber: s, firstMissedNanoseconds: now, lastRequestedNanoseconds: nil, retries: 0))
                    s &+= 1
                }
                if missing.count > configuration.maxMissing {
                    missing.removeFirst(missing.count - configuration.maxMissing)
                }
            }
            highest = seq
            return false
        }
        if let index = missing.firstIndex(where: { $0.sequenceNumber == seq }) {
            missing.remove(at: index)
            return true
        }
        return false
    }

    /// The sequence numbers to request now (and marks them requested).
    public mutating func due(nowNanoseconds now: UInt64) -> [UInt16] {
        missing.removeAll {
            now &- $0.firstMissedNanoseconds > configuration.maxAgeNanoseconds || $0.retries >= configuration.maxRetries
        }
        var out: [UInt16] = []
        for i in missing.indices {
            if let last = missing[i].lastRequestedNanoseconds, now &- last < configuration.retryIntervalNanoseconds {
                continue
            }
            missing[i].lastRequestedNanoseconds = now
            missing[i].retries += 1
            out.append(missing[i].sequenceNumber)
        }
        return out
    }
}
