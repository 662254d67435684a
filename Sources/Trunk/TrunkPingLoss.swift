/// The pings of one trunk peer that wait for their pong, and the share of
/// recent pings that went unanswered (docs/trunk-protocol.md §6.8).
///
/// A ping is *decided* once its pong arrives in time (answered) or once it is
/// lost: its pong did not arrive within `timeoutNanoseconds` of sending, or it
/// was evicted from the outstanding list (at most `outstandingLimit` pings
/// wait). Each pong answers only its own ping: a pong for a newer ping does not
/// decide older ones, which stay outstanding until their own pong or their
/// timeout. A pong that arrives after its ping's timeout (but before the ping
/// was expired) still counts the ping as lost; its round-trip time is still
/// measured. `ratio` is lost / decided over the last `window` decided pings.
/// Pure value, no clock: times are monotonic nanoseconds given by the caller.
public struct TrunkPingLoss: Sendable, Hashable {
    /// Pings kept waiting for a pong; sending another evicts the oldest (lost).
    public static let outstandingLimit = 8
    /// How many decided pings the ratio covers.
    public static let window = 20
    /// Timeout bounds: 3 × the smoothed RTT, at least 1 s, at most 3 s (the default peer timeout).
    public static let minimumTimeoutNanoseconds: UInt64 = 1_000_000_000
    public static let maximumTimeoutNanoseconds: UInt64 = 3_000_000_000

    struct Outstanding: Sendable, Hashable {
        let sequence: UInt32
        let sentAt: UInt64
    }

    /// Waiting pings, oldest first.
    private(set) var outstanding: [Outstanding] = []
    /// Outcomes of the last `window` decided pings, newest in bit 0; a set bit is a lost ping.
    private var outcomes: UInt32 = 0
    /// Decided pings in the window (0...window).
    public private(set) var decided = 0
    /// Smoothed round-trip time of all pongs (RFC 6298 α = 1/8), ns; 0 before the first pong.
    public private(set) var smoothedRTTNanoseconds: UInt64 = 0
    /// Pings answered in time since creation.
    public private(set) var totalAnswered: UInt64 = 0
    /// Pings lost (timed out, evicted or answered late) since creation.
    public private(set) var totalLost: UInt64 = 0

    public init() {}

    private static let windowMask: UInt32 = (1 << UInt32(window)) - 1

    /// Lost pings among the last `decided`.
    public var lostInWindow: Int { (outcomes & Self.windowMask).nonzeroBitCount }

    /// lost / (answered + lost) over the window, 0...1; 0 before any ping is decided.
    public var ratio: Double { decided == 0 ? 0 : Double(lostInWindow) / Double(decided) }

    /// Pings waiting for a pong.
    public var outstandingCount: Int { outstanding.count }

    /// How long a ping waits for its pong: 3 × smoothed RTT within [1 s, 3 s].
    public var timeoutNanoseconds: UInt64 {
        let (tripled, overflow) = smoothedRTTNanoseconds.multipliedReportingOverflow(by: 3)
        if overflow { return Self.maximumTimeoutNanoseconds }
        return min(max(tripled, Self.minimumTimeoutNanoseconds), Self.maximumTimeoutNanoseconds)
    }

    /// A ping went out at `now`; evicts (and counts lost) the oldest when `outstandingLimit` wait.
    public mutating func sent(sequence: UInt32, at now: UInt64) {
        while outstanding.count >= Self.outstandingLimit {
            outstanding.removeFirst()
            decide(lost: true)
        }
        outstanding.append(Outstanding(sequence: sequence, sentAt: now))
    }

    /// A pong for `sequence` arrived at `now`. Returns the ping's send time,
    /// nil when no waiting ping has this sequence (never sent, answered before,
    /// or already counted lost). A pong past the timeout counts the ping as lost.
    public mutating func answered(sequence: UInt32, at now: UInt64) -> UInt64? {
        guard let index = outstanding.firstIndex(where: { $0.sequence == sequence }) else { return nil }
        let sentAt = outstanding.remove(at: index).sentAt
        let rtt = now >= sentAt ? now - sentAt : 0
        decide(lost: rtt > timeoutNanoseconds)
        smoothedRTTNanoseconds = smoothedRTTNanoseconds == 0 ? rtt : smoothedRTTNanoseconds - smoothedRTTNanoseconds / 8 + rtt / 8
        return sentAt
    }

    /// Counts the waiting pings older than the timeout at `now` as lost.
    public mutating func expire(now: UInt64) {
        let timeout = timeoutNanoseconds
        while let first = outstanding.first, now >= first.sentAt, now - first.sentAt > timeout {
            outstanding.removeFirst()
            decide(lost: true)
        }
    }

    /// Forgets the waiting pings without deciding them (the trunk went down);
    /// the window of decided pings is kept.
    public mutating func forgetOutstanding() {
        outstanding.removeAll(keepingCapacity: true)
    }

    private mutating func decide(lost: Bool) {
        outcomes = (outcomes << 1) | (lost ? 1 : 0)
        decided = min(decided + 1, Self.window)
        if lost { totalLost &+= 1 } else { totalAnswered &+= 1 }
    }
}
