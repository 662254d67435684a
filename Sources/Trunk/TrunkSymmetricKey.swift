/// A 256-bit symmetric key for `TrunkAEAD`.
///
/// The bytes live in heap storage that is zeroed (`sodium_memzero`) when the
/// last copy of the key goes away; `description`, `debugDescription` and
/// `dump` never show them. Equality is constant-time.
public struct TrunkSymmetricKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Key length in bytes (both ciphers use 256-bit keys).
    public static let byteCount = 32

    let storage: SecureBytes

    init(storage: SecureBytes) {
        self.storage = storage
    }

    /// A fresh random key.
    public static func random() -> TrunkSymmetricKey {
        TrunkSymmetricKey(storage: SecureBytes(randomCount: byteCount))
    }

    /// A key from exactly 32 bytes.
    public init(bytes: UnsafeRawBufferPointer) throws(TrunkError) {
        guard bytes.count == Self.byteCount else {
            throw .invalidLength(what: "symmetric key", expected: Self.byteCount, actual: bytes.count)
        }
        storage = SecureBytes(copying: bytes)
    }

    /// A key from exactly 32 bytes.
    public init(bytes: [UInt8]) throws(TrunkError) {
        let storage: SecureBytes? = bytes.withUnsafeBytes { raw in
            raw.count == Self.byteCount ? SecureBytes(copying: raw) : nil
        }
        guard let storage else {
            throw .invalidLength(what: "symmetric key", expected: Self.byteCount, actual: bytes.count)
        }
        self.storage = storage
    }

    /// The key bytes, for explicit export only (e.g. tests, key files). Handle with care.
    public func exportSecretBytes() -> [UInt8] { storage.copyBytes() }

    public static func == (lhs: TrunkSymmetricKey, rhs: TrunkSymmetricKey) -> Bool {
        lhs.storage.constantTimeEquals(rhs.storage)
    }

    public var description: String { "TrunkSymmetricKey(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
