#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exponential reconnect backoff: after each failure the wait doubles from
/// `minimum` up to `maximum`; a success resets it.
struct ReconnectBackoff: Sendable {
    let minimum: Duration
    let maximum: Duration
    /// The current delay, `nil` while the last attempt succeeded (or none failed yet).
    private(set) var delay: Duration?
    /// The earliest time for the next attempt.
    private(set) var nextAttempt: ContinuousClock.Instant

    init(minimum: Duration, maximum: Duration, now: ContinuousClock.Instant) {
        self.minimum = max(minimum, .zero)
        self.maximum = max(maximum, self.minimum)
        self.nextAttempt = now
    }

    /// Whether an attempt may start at `now`.
    func mayAttempt(at now: ContinuousClock.Instant) -> Bool { now >= nextAttempt }

    /// Records a failed attempt at `now` and pushes `nextAttempt` out.
    mutating func failed(at now: ContinuousClock.Instant) {
        let next = delay.map { min($0 * 2, maximum) } ?? minimum
        delay = next
        nextAttempt = now + next
    }

    /// Records a success: the next failure starts again from `minimum`.
    mutating func succeeded(at now: ContinuousClock.Instant) {
        delay = nil
        nextAttempt = now
    }

    /// Allows an immediate attempt (after a working connection broke) without
    /// forgetting the current delay.
    mutating func attemptNow(at now: ContinuousClock.Instant) {
        nextAttempt = now
    }
}

extension Duration {
    /// The duration in seconds as a `Double` (for condition-variable waits).
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// Whole milliseconds, clamped to `0...Int32.max` (for poll(2)).
    var pollMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let millis = seconds.multipliedReportingOverflow(by: 1_000)
        guard !millis.overflow else { return Int32.max }
        let total = millis.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        guard !total.overflow else { return Int32.max }
        return Int32(clamping: max(0, total.partialValue))
    }
}

/// Blocks SIGPIPE on the calling thread, so a write to a socket the server
/// closed fails with EPIPE instead of killing the process (hiredis uses
/// write(2), which has no MSG_NOSIGNAL). Thread-local: no process-wide change.
func blockSIGPIPEOnCurrentThread() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &set, nil)
}
