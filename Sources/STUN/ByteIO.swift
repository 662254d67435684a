// Big-endian byte reading and writing shared by the STUN parsers and writers.
// Callers check bounds before reading; these helpers do no checking of their own
// beyond what the standard library does.

extension UnsafeRawBufferPointer {
    /// Reads a big-endian UInt16 at `offset`; the caller has checked `offset + 2 <= count`.
    @inline(__always)
    func readUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    /// Reads a big-endian UInt32 at `offset`; the caller has checked `offset + 4 <= count`.
    @inline(__always)
    func readUInt32(at offset: Int) -> UInt32 {
        UInt32(readUInt16(at: offset)) << 16 | UInt32(readUInt16(at: offset + 2))
    }

    /// Reads a big-endian UInt64 at `offset`; the caller has checked `offset + 8 <= count`.
    @inline(__always)
    func readUInt64(at offset: Int) -> UInt64 {
        UInt64(readUInt32(at: offset)) << 32 | UInt64(readUInt32(at: offset + 4))
    }

    /// The bytes in `range`, which the caller has checked lies within the buffer.
    @inline(__always)
    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[range])
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func appendUInt32(_ value: UInt32) {
        appendUInt16(UInt16(truncatingIfNeeded: value >> 16))
        appendUInt16(UInt16(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func appendUInt64(_ value: UInt64) {
        appendUInt32(UInt32(truncatingIfNeeded: value >> 32))
        appendUInt32(UInt32(truncatingIfNeeded: value))
    }

    /// Overwrites two bytes at `offset` (which must exist) with a big-endian UInt16.
    @inline(__always)
    mutating func setUInt16(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 1] = UInt8(truncatingIfNeeded: value)
    }
}

/// `length` rounded up to the next multiple of 4 (STUN attribute padding, RFC 8489 §14).
@inline(__always)
func paddedLength(_ length: Int) -> Int {
    (length &+ 3) & ~3
}

/// Compares two byte sequences in time that depends only on their lengths.
func constantTimeEqual(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in 0..<b.count {
        difference |= a[index] ^ b[index]
    }
    return difference == 0
}
