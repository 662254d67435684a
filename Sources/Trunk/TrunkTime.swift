#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// "Now" as the trunk state machines see it: they never read a clock themselves.
///
/// Two readings travel together because they serve different purposes:
/// timers, budgets and silence use the monotonic one (immune to clock steps);
/// credential validity, handshake timestamps, ping times and origin send times
/// use wall-clock time, which must be comparable across nodes (NTP).
public struct TrunkTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Monotonic nanoseconds since an arbitrary origin.
    public var monotonicNanoseconds: UInt64
    /// Microseconds since the Unix epoch.
    public var unixMicroseconds: UInt64

    public init(monotonicNanoseconds: UInt64, unixMicroseconds: UInt64) {
        self.monotonicNanoseconds = monotonicNanoseconds
        self.unixMicroseconds = unixMicroseconds
    }

    /// The process's clocks (`CLOCK_MONOTONIC` and `CLOCK_REALTIME`).
    public static func now() -> TrunkTime {
        TrunkTime(monotonicNanoseconds: read(CLOCK_MONOTONIC), unixMicroseconds: read(CLOCK_REALTIME) / 1_000)
    }

    /// Whole seconds since the Unix epoch.
    public var unixSeconds: UInt64 { unixMicroseconds / 1_000_000 }

    /// Both readings moved forward by `duration` (negative durations count as zero).
    public func advanced(by duration: Duration) -> TrunkTime {
        let ns = duration.clampedNanoseconds
        return TrunkTime(
            monotonicNanoseconds: monotonicNanoseconds &+ ns, unixMicroseconds: unixMicroseconds &+ ns / 1_000)
    }

    /// Monotonic nanoseconds from `earlier` to `self` (zero if `earlier` is later).
    public func nanoseconds(since earlier: TrunkTime) -> UInt64 {
        monotonicNanoseconds >= earlier.monotonicNanoseconds ? monotonicNanoseconds - earlier.monotonicNanoseconds : 0
    }

    public static func < (lhs: TrunkTime, rhs: TrunkTime) -> Bool {
        lhs.monotonicNanoseconds < rhs.monotonicNanoseconds
    }

    public var description: String { "TrunkTime(mono: \(monotonicNanoseconds) ns, unix: \(unixMicroseconds) µs)" }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return UInt64(clamping: ts.tv_sec) &* 1_000_000_000 &+ UInt64(clamping: ts.tv_nsec)
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to `0...UInt64.max`.
    var clampedNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (whole, o1) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, o2) = whole.addingReportingOverflow(UInt64(clamping: attoseconds / 1_000_000_000))
        return o1 || o2 ? .max : total
    }
}
