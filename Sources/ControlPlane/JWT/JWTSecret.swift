import Crypto

/// The HS256 key (`JWT_SECRET`): its UTF-8 bytes, at least 32 of them.
/// Never printed: `description` is redacted.
public struct JWTSecret: Sendable, CustomStringConvertible {
    /// Minimum length in bytes (256 bits, the HMAC-SHA-256 output size; RFC 7518 §3.2).
    public static let minimumBytes = 32

    let key: SymmetricKey

    /// - Throws: `ControlPlaneError.secretTooShort` below `minimumBytes`.
    public init(_ secret: String) throws(ControlPlaneError) {
        let bytes = Array(secret.utf8)
        guard bytes.count >= Self.minimumBytes else {
            throw .secretTooShort(bytes: bytes.count, minimum: Self.minimumBytes)
        }
        self.key = SymmetricKey(data: bytes)
    }

    /// A key of raw bytes (RFC test vectors); the same minimum applies.
    init(bytes: [UInt8]) throws(ControlPlaneError) {
        guard bytes.count >= Self.minimumBytes else {
            throw .secretTooShort(bytes: bytes.count, minimum: Self.minimumBytes)
        }
        self.key = SymmetricKey(data: bytes)
    }

    public var description: String { "JWTSecret(redacted)" }
}
