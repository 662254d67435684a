import CSodium

/// Process-wide libsodium initialisation.
///
/// `sodium_init()` must run before any other libsodium call (it selects the
/// CPU-specific implementations, e.g. whether AES-256-GCM is available). It is
/// called exactly once, lazily and thread-safely, through a `static let`
/// (Swift initialises those with `swift_once`).
public enum TrunkCrypto {
    private static let initStatus: Int32 = sodium_init()

    /// Initialises libsodium if needed. Services call this at start-up to turn a
    /// (practically impossible) initialisation failure into an error; every other
    /// entry point of the module calls `ensureInitialized()` itself.
    public static func initialize() throws(TrunkError) {
        guard initStatus >= 0 else { throw .sodiumInitFailed(status: initStatus) }
    }

    /// Initialises libsodium, trapping if it cannot be initialised. Failure means
    /// the process has no usable randomness source: nothing in this module can
    /// work then, and it is never caused by untrusted input.
    @inline(__always)
    static func ensureInitialized() {
        if initStatus < 0 {
            fatalError("libsodium failed to initialise (status \(initStatus))")
        }
    }

    /// Constant-time equality of two byte buffers (`sodium_memcmp`). Buffers of
    /// different lengths compare unequal (the length itself is not secret).
    public static func constantTimeEquals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return true }  // both empty
        ensureInitialized()
        return sodium_memcmp(pa, pb, a.count) == 0
    }

    /// Constant-time equality of two byte arrays.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in constantTimeEquals(pa, pb) } }
    }
}

/// Cryptographically secure random bytes (`randombytes_buf`).
public enum TrunkRandom {
    /// Fills `buffer` with random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        TrunkCrypto.ensureInitialized()
        randombytes_buf(base, buffer.count)
    }

    /// Returns `count` random bytes (`count` below zero gives an empty array).
    public static func bytes(count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// A uniformly random 64-bit value.
    public static func uint64() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { fill($0) }
        return value
    }
}
