/// Wrap-aware comparison of RTP sequence numbers and timestamps
/// (RFC 3550 §A.1, RFC 1982 serial number arithmetic).
///
/// A value is "newer" than another when it lies less than half the number
/// space ahead of it, so `SerialNumber.isNewer(2, than: 65_534)` is true.
public enum SerialNumber {
    /// True if `a` follows `b` by less than half the 16-bit space.
    @inlinable public static func isNewer(_ a: UInt16, than b: UInt16) -> Bool {
        let d = a &- b
        return d != 0 && d < 0x8000 || (d == 0x8000 && a > b)
    }

    /// True if `a` follows `b` by less than half the 32-bit space.
    @inlinable public static func isNewer(_ a: UInt32, than b: UInt32) -> Bool {
        let d = a &- b
        return d != 0 && d < 0x8000_0000 || (d == 0x8000_0000 && a > b)
    }

    /// Signed shortest distance from `a` to `b` (`b - a` modulo 2^16), in
    /// `-32768...32767`: positive when `b` is newer.
    @inlinable public static func distance(from a: UInt16, to b: UInt16) -> Int {
        Int(Int16(bitPattern: b &- a))
    }

    /// Signed shortest distance from `a` to `b` (`b - a` modulo 2^32).
    @inlinable public static func distance(from a: UInt32, to b: UInt32) -> Int {
        Int(Int32(bitPattern: b &- a))
    }
}

/// Extends 16-bit RTP sequence numbers to 64 bits by counting wrap-arounds
/// (RFC 3550 §A.1: `cycles + max_seq`).
///
/// The reference is the newest value seen; an older (reordered) value is
/// placed before it without moving the reference. The first value maps to
/// itself, so extended numbers start at `0...65535` and never go negative
/// unless the stream reorders across its very first wrap.
public struct SequenceUnwrapper: Sendable, Hashable {
    private var highest: Int64?

    /// A fresh unwrapper with no reference.
    public init() {}

    /// The highest extended sequence number seen so far.
    public var highestExtended: Int64? { highest }

    /// Returns the extended sequence number for `sequenceNumber`.
    public mutating func unwrap(_ sequenceNumber: UInt16) -> Int64 {
        guard let ref = highest else {
            highest = Int64(sequenceNumber)
            return Int64(sequenceNumber)
        }
        let last = UInt16(truncatingIfNeeded: ref)
        let value = ref + Int64(SerialNumber.distance(from: last, to: sequenceNumber))
        if value > ref { highest = value }
        return value
    }
}

/// Extends 32-bit RTP timestamps to 64 bits, the same way as
/// ``SequenceUnwrapper``.
public struct TimestampUnwrapper: Sendable, Hashable {
    private var highest: Int64?

    /// A fresh unwrapper with no reference.
    public init() {}

    /// The highest extended timestamp seen so far.
    public var highestExtended: Int64? { highest }

    /// Returns the extended timestamp for `timestamp`.
    public mutating func unwrap(_ timestamp: UInt32) -> Int64 {
        guard let ref = highest else {
            highest = Int64(timestamp)
            return Int64(timestamp)
        }
        let last = UInt32(truncatingIfNeeded: ref)
        let value = ref + Int64(SerialNumber.distance(from: last, to: timestamp))
        if value > ref { highest = value }
        return value
    }
}
