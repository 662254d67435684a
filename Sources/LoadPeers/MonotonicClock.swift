#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nanoseconds of `CLOCK_MONOTONIC`: the same clock in every process of the
/// machine, so a timestamp a publisher writes into a packet can be compared
/// with the time a subscriber (in this or another process) receives it.
public enum MonotonicClock {
    /// The current time in nanoseconds since an arbitrary fixed point (boot).
    @inline(__always)
    public static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(truncatingIfNeeded: spec.tv_sec) &* 1_000_000_000 &+ UInt64(truncatingIfNeeded: spec.tv_nsec)
    }
}
