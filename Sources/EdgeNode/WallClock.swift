#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time in the NTP format of RTCP sender reports (RFC 3550 §4):
/// seconds since 1900 in the high 32 bits, the fraction in the low 32.
enum WallClock {
    private static let secondsFrom1900To1970: UInt64 = 2_208_988_800

    static func ntpTime() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let seconds = UInt64(max(0, ts.tv_sec)) &+ secondsFrom1900To1970
        let fraction = (UInt64(max(0, ts.tv_nsec)) << 32) / 1_000_000_000
        return seconds << 32 | fraction
    }
}
