import CSodium

/// An Ed25519 public key (RFC 8032 §5.1.5), 32 bytes: verifies mesh and node signatures.
public struct TrunkVerifyingKey: Sendable, Hashable, CustomStringConvertible {
    /// Key length in bytes.
    public static let byteCount = 32
    /// The encoded point A.
    public let rawRepresentation: [UInt8]

    /// A verifying key from exactly 32 bytes. (Whether the bytes are a valid point
    /// is checked at verification, which then fails.)
    public init(rawRepresentation: [UInt8]) throws(TrunkError) {
        guard rawRepresentation.count == Self.byteCount else {
            throw .invalidLength(what: "Ed25519 public key", expected: Self.byteCount, actual: rawRepresentation.count)
        }
        self.rawRepresentation = rawRepresentation
    }

    /// A verifying key from its base64 form.
    public init(base64: String) throws(TrunkError) {
        try self.init(rawRepresentation: TrunkBase64.decode(base64))
    }

    /// Standard base64 of the key bytes.
    public var base64: String { TrunkBase64.encode(rawRepresentation) }

    /// Verifies a detached 64-byte signature (`crypto_sign_verify_detached`).
    /// Any wrong length or invalid encoding simply returns false.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        message.withUnsafeBytes { isValidSignature(signature, for: $0) }
    }

    /// Verifies a detached signature over raw bytes.
    public func isValidSignature(_ signature: [UInt8], for message: UnsafeRawBufferPointer) -> Bool {
        guard signature.count == TrunkSigningKey.signatureByteCount else { return false }
        TrunkCrypto.ensureInitialized()
        var placeholder: UInt8 = 0
        return withUnsafePointer(to: &placeholder) { empty in
            let m = message.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? empty
            return crypto_sign_verify_detached(signature, m, UInt64(message.count), rawRepresentation) == 0
        }
    }

    public var description: String { "Ed25519PublicKey(\(base64))" }
}

/// An Ed25519 signing key. libsodium's 64-byte secret key (seed ‖ public key) is
/// held in zero-on-release storage and never printed.
public struct TrunkSigningKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Seed (RFC 8032 "secret key") length.
    public static let seedByteCount = 32
    /// libsodium secret key length: seed followed by the public key.
    public static let secretKeyByteCount = 64
    /// Detached signature length.
    public static let signatureByteCount = 64

    let storage: SecureBytes
    /// The matching public key.
    public let verifyingKey: TrunkVerifyingKey

    /// A fresh random key.
    public static func generate() -> TrunkSigningKey {
        let seed = SecureBytes(randomCount: seedByteCount)
        return seed.withBytePointer { TrunkSigningKey(seedPointer: $0) }
    }

    /// The key for a 32-byte seed (the RFC 8032 secret key; `crypto_sign_seed_keypair`).
    public init(seed: [UInt8]) throws(TrunkError) {
        guard seed.count == Self.seedByteCount else {
            throw .invalidLength(what: "Ed25519 seed", expected: Self.seedByteCount, actual: seed.count)
        }
        let secretSeed = seed.withUnsafeBytes { SecureBytes(copying: $0) }
        self = secretSeed.withBytePointer { TrunkSigningKey(seedPointer: $0) }
    }

    /// The key for libsodium's 64-byte secret key (seed ‖ public key).
    /// - Throws: `TrunkError.keyPairMismatch` when the public half is not the seed's.
    public init(secretKey: [UInt8]) throws(TrunkError) {
        guard secretKey.count == Self.secretKeyByteCount else {
            throw .invalidLength(what: "Ed25519 secret key", expected: Self.secretKeyByteCount, actual: secretKey.count)
        }
        let key = try TrunkSigningKey(seed: Array(secretKey[0..<Self.seedByteCount]))
        let claimed = Array(secretKey[Self.seedByteCount...])
        guard TrunkCrypto.constantTimeEquals(claimed, key.verifyingKey.rawRepresentation) else {
            throw .keyPairMismatch
        }
        self = key
    }

    /// The key for a base64-encoded 32-byte seed (the form `exportSeedBase64` writes).
    public init(seedBase64: String) throws(TrunkError) {
        try self.init(seed: TrunkBase64.decode(seedBase64))
    }

    private init(seedPointer: UnsafePointer<UInt8>) {
        TrunkCrypto.ensureInitialized()
        let secret = SecureBytes(count: Self.secretKeyByteCount)
        var publicBytes = [UInt8](repeating: 0, count: TrunkVerifyingKey.byteCount)
        _ = secret.withMutableBytePointer { sk in crypto_sign_seed_keypair(&publicBytes, sk, seedPointer) }
        storage = secret
        verifyingKey = TrunkVerifyingKey(unchecked: publicBytes)
    }

    /// A detached signature over `message` (`crypto_sign_detached`, deterministic).
    public func signature(for message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { signature(for: $0) }
    }

    /// A detached signature over raw bytes.
    public func signature(for message: UnsafeRawBufferPointer) -> [UInt8] {
        TrunkCrypto.ensureInitialized()
        var signature = [UInt8](repeating: 0, count: Self.signatureByteCount)
        var placeholder: UInt8 = 0
        withUnsafePointer(to: &placeholder) { empty in
            let m = message.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? empty
            _ = storage.withBytePointer { sk in crypto_sign_detached(&signature, nil, m, UInt64(message.count), sk) }
        }
        return signature
    }

    /// The 32-byte seed, for writing a key file. Handle with care.
    public func exportSeed() -> [UInt8] { Array(storage.copyBytes().prefix(Self.seedByteCount)) }

    /// The 64-byte libsodium secret key (seed ‖ public key). Handle with care.
    public func exportSecretKey() -> [UInt8] { storage.copyBytes() }

    /// Base64 of the seed. Handle with care.
    public func exportSeedBase64() -> String { TrunkBase64.encode(exportSeed()) }

    public var description: String { "Ed25519SigningKey(public: \(verifyingKey.base64), secret: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["verifyingKey": verifyingKey]) }
}

extension TrunkVerifyingKey {
    fileprivate init(unchecked bytes: [UInt8]) { rawRepresentation = bytes }
}
