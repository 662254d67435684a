/// A synchronization source identifier (RFC 3550 §3): a typed 32-bit value so
/// SSRCs are not confused with timestamps or counters.
public struct SSRC: RawRepresentable, Hashable, Sendable, Comparable,
    ExpressibleByIntegerLiteral, CustomStringConvertible
{
    /// The 32-bit value on the wire.
    public var rawValue: UInt32

    /// Wraps a 32-bit wire value.
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Wraps a 32-bit wire value.
    @inlinable public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    /// Allows `let s: SSRC = 0x1234`.
    @inlinable public init(integerLiteral value: UInt32) { self.rawValue = value }

    @inlinable public static func < (lhs: SSRC, rhs: SSRC) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The SSRC in hexadecimal, as in packet dumps.
    public var description: String {
        let hex = String(rawValue, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }
}
