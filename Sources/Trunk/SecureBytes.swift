import CSodium

/// Heap storage for secret bytes: zeroed with `sodium_memzero` when released,
/// never printed. Written only while the owning value is being constructed and
/// read-only afterwards, which is what makes the `@unchecked Sendable` sound.
final class SecureBytes: @unchecked Sendable {
    let count: Int
    private let pointer: UnsafeMutableRawPointer

    /// Zero-filled storage of `count` bytes (at least one byte is allocated).
    init(count: Int) {
        self.count = max(count, 0)
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
    }

    /// Storage holding a copy of `bytes`.
    convenience init(copying bytes: UnsafeRawBufferPointer) {
        self.init(count: bytes.count)
        if let source = bytes.baseAddress, bytes.count > 0 {
            pointer.copyMemory(from: source, byteCount: bytes.count)
        }
    }

    /// Storage of `count` random bytes.
    convenience init(randomCount count: Int) {
        self.init(count: count)
        TrunkRandom.fill(UnsafeMutableRawBufferPointer(start: pointer, count: self.count))
    }

    deinit {
        TrunkCrypto.ensureInitialized()
        sodium_memzero(pointer, max(count, 1))
        pointer.deallocate()
    }

    func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Only for initialisers of the owning value, before it is shared.
    func withUnsafeMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeMutableRawBufferPointer(start: pointer, count: count))
    }

    /// Calls `body` with a never-nil byte pointer to the storage, for C calls that read it.
    func withBytePointer<R, E: Error>(_ body: (UnsafePointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try body(UnsafePointer(pointer.assumingMemoryBound(to: UInt8.self)))
    }

    /// Calls `body` with a never-nil mutable byte pointer; only for initialisers of the owning value.
    func withMutableBytePointer<R, E: Error>(_ body: (UnsafeMutablePointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try body(pointer.assumingMemoryBound(to: UInt8.self))
    }

    /// A copy of the bytes, for explicit export only.
    func copyBytes() -> [UInt8] {
        [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Constant-time comparison with another storage.
    func constantTimeEquals(_ other: SecureBytes) -> Bool {
        withUnsafeBytes { a in other.withUnsafeBytes { b in TrunkCrypto.constantTimeEquals(a, b) } }
    }
}
