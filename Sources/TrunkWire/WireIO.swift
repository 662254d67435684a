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

    /// Throws `.truncated` unless at least `needed` bytes are present.
    @inline(__always) func require(_ needed: Int, _ structure: TrunkWireError.Structure) throws(TrunkWireError) {
        guard count >= needed else { throw .truncated(structure, needed: needed, available: count) }
    }
}

extension UnsafeMutableRawBufferPointer {
    @inline(__always) func put8(_ value: UInt8, _ offset: Int) {
        storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
    }

    @inline(__always) func put16(_ value: UInt16, _ offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
    }

    @inline(__always) func put32(_ value: UInt32, _ offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }

    @inline(__always) func put64(_ value: UInt64, _ offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt64.self)
    }

    /// Copies `bytes` to `offset` (checked by caller).
    @inline(__always) func putBytes(_ bytes: [UInt8], _ offset: Int) {
        bytes.withUnsafeBytes { putBytes($0, offset) }
    }

    /// Copies `source` to `offset` (checked by caller).
    @inline(__always) func putBytes(_ source: UnsafeRawBufferPointer, _ offset: Int) {
        guard let src = source.baseAddress, let base = baseAddress, source.count > 0 else { return }
        (base + offset).copyMemory(from: src, byteCount: source.count)
    }

    /// Throws `.bufferTooSmall` unless at least `needed` bytes are available.
    @inline(__always) func require(_ needed: Int) throws(TrunkWireError) {
        guard count >= needed else { throw .bufferTooSmall(needed: needed, available: count) }
    }
}

/// Runs a typed-throwing body over the bytes of an array.
@inline(__always)
func withBytes<R>(
    _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(TrunkWireError) -> R
) throws(TrunkWireError) -> R {
    let result: Result<R, TrunkWireError> = bytes.withUnsafeBytes { buffer in
        Result { () throws(TrunkWireError) -> R in try body(buffer) }
    }
    return try result.get()
}

/// Allocates an array of `size` bytes and fills it with a typed-throwing writer
/// that returns the number of bytes written.
func makeBytes(
    size: Int, _ body: (UnsafeMutableRawBufferPointer) throws(TrunkWireError) -> Int
) throws(TrunkWireError) -> [UInt8] {
    var failure: TrunkWireError?
    let bytes = [UInt8](unsafeUninitializedCapacity: max(size, 0)) { buffer, count in
        let raw = UnsafeMutableRawBufferPointer(buffer)
        raw.initializeMemory(as: UInt8.self, repeating: 0)
        do throws(TrunkWireError) {
            count = try body(raw)
        } catch {
            failure = error
            count = 0
        }
    }
    if let failure { throw failure }
    return bytes
}
