/// Merges keyframe requests (PLI/FIR from subscribers, consumer starts, layer
/// switches) into at most one upstream request per stream per interval.
public struct KeyframeRequestLimiter: Sendable {
    /// Minimum time between two requests sent upstream for one stream.
    public var minimumIntervalNanoseconds: UInt64
    private var lastSent: UInt64?
    private var pending = false

    public init(minimumIntervalNanoseconds: UInt64 = 300_000_000) {
        self.minimumIntervalNanoseconds = minimumIntervalNanoseconds
    }

    /// Registers a request. Returns true when one should be sent now; false
    /// when it was merged (it will be sent by `poll` once the interval passes).
    public mutating func request(nowNanoseconds: UInt64) -> Bool {
        if let last = lastSent, nowNanoseconds &- last < minimumIntervalNanoseconds {
            pending = true
            return false
        }
        lastSent = nowNanoseconds
        pending = false
        return true
    }

    /// Called periodically: true when a merged request is now due.
    public mutating func poll(nowNanoseconds: UInt64) -> Bool {
        guard pending else { return false }
        return request(nowNanoseconds: nowNanoseconds)
    }

    /// Whether a merged request waits to be sent.
    public var hasPending: Bool { pending }
}
