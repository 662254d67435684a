/// Every error the `Trunk` module throws.
///
/// Cases carry what was wrong and the sizes involved. The enum is not
/// `@frozen`: new cases may be added, so callers should keep a `default:`.
public enum TrunkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `sodium_init()` returned a negative status.
    case sodiumInitFailed(status: Int32)
    /// The requested cipher cannot run on this CPU (AES-256-GCM needs AES-NI and CLMUL).
    case cipherUnavailable(TrunkCipher)
    /// A key, seed, nonce or signature had the wrong length.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// The caller's output buffer cannot hold the result.
    case outputBufferTooSmall(needed: Int, available: Int)
    /// A sealed message is shorter than the authentication tag.
    case ciphertextTooShort(length: Int, minimum: Int)
    /// A plaintext exceeds the cipher's message limit.
    case messageTooLong(length: Int, maximum: Int)
    /// Input and output buffers overlap without being identical (in place is allowed).
    case overlappingBuffers
    /// Decryption failed: wrong key, counter or associated data, or tampered bytes.
    case authenticationFailed
    /// An X25519 public key is of low order (the shared secret would be all zero).
    case weakPublicKey
    /// A 64-byte Ed25519 secret key whose public half does not match its seed.
    case keyPairMismatch
    /// `TrunkKeySchedule.derive` was given no shared secrets.
    case noSharedSecrets
    /// A string is not valid standard (padded) base64; `length` is its UTF-8 length.
    case invalidBase64(length: Int)

    public var description: String {
        switch self {
        case .sodiumInitFailed(let status): "libsodium initialisation failed (status \(status))"
        case .cipherUnavailable(let cipher): "cipher \(cipher) is not available on this CPU"
        case .invalidLength(let what, let expected, let actual): "\(what): expected \(expected) bytes, got \(actual)"
        case .outputBufferTooSmall(let needed, let available): "output buffer too small: need \(needed) bytes, have \(available)"
        case .ciphertextTooShort(let length, let minimum): "sealed message of \(length) bytes is shorter than \(minimum)"
        case .messageTooLong(let length, let maximum): "message of \(length) bytes exceeds the limit of \(maximum)"
        case .overlappingBuffers: "input and output buffers partially overlap"
        case .authenticationFailed: "authentication failed"
        case .weakPublicKey: "X25519 public key has low order"
        case .keyPairMismatch: "Ed25519 secret key's public half does not match its seed"
        case .noSharedSecrets: "key schedule needs at least one shared secret"
        case .invalidBase64(let length): "invalid base64 string (\(length) bytes)"
        }
    }
}
