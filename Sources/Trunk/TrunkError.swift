import TrunkWire

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
    /// A wire encoding (frame, credential) failed to parse or write.
    case wire(TrunkWireError)
    /// A credential was signed by a different mesh key than the one trusted.
    case credentialWrongMeshKey(expected: MeshKeyID, actual: MeshKeyID)
    /// A credential names the trusted mesh key but its signature does not verify.
    case credentialBadSignature
    /// A credential's validity starts after now (beyond the allowed clock skew); seconds since the epoch.
    case credentialNotYetValid(issuedAt: UInt64, now: UInt64)
    /// A credential's validity ended at or before now; seconds since the epoch.
    case credentialExpired(notAfter: UInt64, now: UInt64)
    /// A credential whose validity interval is empty, or whose static key does not match the private key given.
    case credentialInvalid(reason: String)
    /// A key or credential file is not in the expected format; `line` is 1-based (0: the file as a whole).
    case invalidFile(kind: String, line: Int, reason: String)
    /// `seal` was called before a session is established.
    case sessionNotEstablished
    /// The current session's packet budget is spent and no new session is established yet.
    case keyExhausted(keyID: UInt32)
    /// A trunk endpoint has no peer with this node id.
    case unknownPeer(String)

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
        case .wire(let error): "wire format: \(error)"
        case .credentialWrongMeshKey(let expected, let actual):
            "credential signed by mesh key \(actual), expected \(expected)"
        case .credentialBadSignature: "credential signature does not verify"
        case .credentialNotYetValid(let issuedAt, let now): "credential not valid before \(issuedAt) (now \(now))"
        case .credentialExpired(let notAfter, let now): "credential expired at \(notAfter) (now \(now))"
        case .credentialInvalid(let reason): "invalid credential: \(reason)"
        case .invalidFile(let kind, let line, let reason):
            line > 0 ? "\(kind) file, line \(line): \(reason)" : "\(kind) file: \(reason)"
        case .sessionNotEstablished: "no trunk session is established"
        case .keyExhausted(let keyID): "packet budget of key \(keyID) exhausted"
        case .unknownPeer(let id): "no trunk peer \(id)"
        }
    }
}
