// Bounds-unchecked big-endian loads and stores. Every caller checks the offset
// against the buffer's count first; these helpers exist so the checks are in
// one obvious place per parser and the loads compile to single instructions.

extension UnsafeRawBufferPointer {
    @inline(__always) func u8(_ offset: Int) -> UInt8 {
        load(fromByteOffset: offset, as: UInt8.self)
    }

    @inline(__always) func be16(_ offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always) func be24(_ offset: Int) -> UInt32 {
        UInt32(u8(offset)) << 16 | UInt32(u8(offset + 1)) << 8 | UInt32(u8(offset + 2))
    }

    @inline(__always) func be32(_ offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always) func be64(_ offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Copies `count` bytes at `offset` into a new array (checked by caller).
    func bytes(_ offset: Int, _ count: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(rebasing: self[offset..<(offset + count)]))
    }
}

extension UnsafeMutableRawBufferPointer {
    @inline(__always) func put8(_ value: UInt8, _ offset: Int) {
        storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
    }

    @inline(__always) func put16(_ value: UInt16, _ offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
    }

    @inline(__always) func put24(_ value: UInt32, _ offset: Int) {
        put8(UInt8(truncatingIfNeeded: value >> 16), offset)
        put8(UInt8(truncatingIfNeeded: value >> 8), offset + 1)
        put8(UInt8(truncatingIfNeeded: value), offset + 2)
    }

    @inline(__always) func put32(_ value: UInt32, _ offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }

    @inline(__always) func put64(_ value: UInt64, _ offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt64.self)
    }

    /// Copies `bytes` to `offset` (checked by caller).
    @inline(__always) func putBytes(_ bytes: [UInt8], _ offset: Int) {
        guard !bytes.isEmpty, let base = baseAddress else { return }
        bytes.withUnsafeBytes { src in
            guard let start = src.baseAddress else { return }
            (base + offset).copyMemory(from: start, byteCount: src.count)
        }
    }

    /// Copies `source` to `offset` (checked by caller).
    @inline(__always) func putBytes(_ source: UnsafeRawBufferPointer, _ offset: Int) {
        guard let src = source.baseAddress, let base = baseAddress, source.count > 0 else { return }
        (base + offset).copyMemory(from: src, byteCount: source.count)
    }

    /// Writes `count` zero bytes at `offset` (checked by caller).
    @inline(__always) func zero(_ offset: Int, _ count: Int) {
        guard count > 0, let base = baseAddress else { return }
        (base + offset).initializeMemory(as: UInt8.self, repeating: 0, count: count)
    }
}

/// Rounds `n` up to a multiple of four (the 32-bit word alignment of RTP/RTCP).
@inline(__always) func roundUpToWord(_ n: Int) -> Int { (n + 3) & ~3 }

/// Runs a typed-throwing body over the bytes of an array.
@inline(__always)
func withBytes<R>(
    _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(RTPError) -> R
) throws(RTPError) -> R {
    let result: Result<R, RTPError> = bytes.withUnsafeBytes { buffer in
        Result { () throws(RTPError) -> R in try body(buffer) }
    }
    return try result.get()
}

/// Allocates an array of `size` bytes and fills it with a typed-throwing writer
/// that returns the number of bytes written.
func makeBytes(
    size: Int, _ body: (UnsafeMutableRawBufferPointer) throws(RTPError) -> Int
) throws(RTPError) -> [UInt8] {
    var failure: RTPError?
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        do throws(RTPError) {
            count = try body(UnsafeMutableRawBufferPointer(buffer))
        } catch {
            failure = error
            count = 0
        }
    }
    if let failure { throw failure }
    return bytes
}
