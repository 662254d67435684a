/// A token bucket: `burst` messages at once, refilled at `perSecond`.
/// Pure; the caller passes the time.
public struct RateLimiter: Sendable {
    public let perSecond: Double
    public let burst: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant?

    public init(perSecond: Double, burst: Double) {
        self.perSecond = max(0, perSecond)
        self.burst = max(1, burst)
        self.tokens = max(1, burst)
    }

    /// Takes one token if there is one.
    public mutating func allow(at now: ContinuousClock.Instant) -> Bool {
        if let last {
            let elapsed = now - last
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            tokens = min(burst, tokens + max(0, seconds) * perSecond)
        }
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
