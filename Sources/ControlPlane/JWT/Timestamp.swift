import Foundation

/// Wall-clock helpers (seconds since 1970 as `Double`, like JWT NumericDate).
public enum Timestamp {
    /// Seconds since 1970 now.
    public static func now() -> Double { Date().timeIntervalSince1970 }

    /// Milliseconds since 1970 now (chat `ts`, `pong.serverTs`).
    public static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// `2025-01-02T03:04:05Z`; out-of-range values are printed as numbers.
    public static func iso8601(seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e11 else { return String(seconds) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
