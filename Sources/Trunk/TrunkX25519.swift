import CSodium

/// An X25519 public key (RFC 7748), 32 bytes.
public struct TrunkX25519PublicKey: Sendable, Hashable, CustomStringConvertible {
    /// Key length in bytes.
    public static let byteCount = 32
    /// The 32 key bytes (u-coordinate, little-endian as in RFC 7748 §5).
    public let rawRepresentation: [UInt8]

    /// A public key from exactly 32 bytes.
    public init(rawRepresentation: [UInt8]) throws(TrunkError) {
        guard rawRepresentation.count == Self.byteCount else {
            throw .invalidLength(what: "X25519 public key", expected: Self.byteCount, actual: rawRepresentation.count)
        }
        self.rawRepresentation = rawRepresentation
    }

    /// A public key from its base64 form.
    public init(base64: String) throws(TrunkError) {
        try self.init(rawRepresentation: TrunkBase64.decode(base64))
    }

    /// Standard base64 of the key bytes.
    public var base64: String { TrunkBase64.encode(rawRepresentation) }
    public var description: String { "X25519PublicKey(\(base64))" }
}

/// An X25519 private key. The scalar is held in zero-on-release storage and never printed.
public struct TrunkX25519PrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Key length in bytes.
    public static let byteCount = 32

    let storage: SecureBytes
    /// The matching public key.
    public let publicKey: TrunkX25519PublicKey

    /// A fresh key pair (`crypto_box_keypair`).
    public static func generate() -> TrunkX25519PrivateKey {
        TrunkCrypto.ensureInitialized()
        let secret = SecureBytes(count: byteCount)
        var publicBytes = [UInt8](repeating: 0, count: TrunkX25519PublicKey.byteCount)
        _ = secret.withMutableBytePointer { sk in crypto_box_keypair(&publicBytes, sk) }
        return TrunkX25519PrivateKey(storage: secret, publicBytes: publicBytes)
    }

    /// A private key from its 32 raw bytes (clamped by libsodium when used, RFC 7748 §5).
    public init(rawRepresentation: [UInt8]) throws(TrunkError) {
        guard rawRepresentation.count == Self.byteCount else {
            throw .invalidLength(what: "X25519 private key", expected: Self.byteCount, actual: rawRepresentation.count)
        }
        TrunkCrypto.ensureInitialized()
        let secret = rawRepresentation.withUnsafeBytes { SecureBytes(copying: $0) }
        var publicBytes = [UInt8](repeating: 0, count: TrunkX25519PublicKey.byteCount)
        _ = secret.withBytePointer { sk in crypto_scalarmult_base(&publicBytes, sk) }
        self.init(storage: secret, publicBytes: publicBytes)
    }

    private init(storage: SecureBytes, publicBytes: [UInt8]) {
        self.storage = storage
        // Both callers pass exactly `TrunkX25519PublicKey.byteCount` bytes.
        self.publicKey = TrunkX25519PublicKey(unchecked: publicBytes)
    }

    /// X25519(self, peer) (`crypto_scalarmult`).
    /// - Throws: `TrunkError.weakPublicKey` when the peer key has low order (all-zero result).
    public func sharedSecret(with peer: TrunkX25519PublicKey) throws(TrunkError) -> TrunkSharedSecret {
        TrunkCrypto.ensureInitialized()
        let shared = SecureBytes(count: TrunkSharedSecret.byteCount)
        let status = shared.withMutableBytePointer { out in
            storage.withBytePointer { sk in crypto_scalarmult(out, sk, peer.rawRepresentation) }
        }
        guard status == 0 else { throw .weakPublicKey }
        return TrunkSharedSecret(storage: shared)
    }

    /// The 32 private bytes, for writing a key file. Handle with care.
    public func exportSecretBytes() -> [UInt8] { storage.copyBytes() }

    public var description: String { "X25519PrivateKey(public: \(publicKey.base64), secret: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey]) }
}

extension TrunkX25519PublicKey {
    fileprivate init(unchecked bytes: [UInt8]) { rawRepresentation = bytes }
}

/// The output of one X25519 agreement: 32 secret bytes, input to `TrunkKeySchedule`.
public struct TrunkSharedSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Length in bytes.
    public static let byteCount = 32
    let storage: SecureBytes

    /// The secret bytes (tests and diagnostics only). Handle with care.
    public func exportSecretBytes() -> [UInt8] { storage.copyBytes() }

    public static func == (lhs: TrunkSharedSecret, rhs: TrunkSharedSecret) -> Bool {
        lhs.storage.constantTimeEquals(rhs.storage)
    }

    public var description: String { "TrunkSharedSecret(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
