import CSodium

/// The AEAD algorithms a trunk can seal frames with (both from libsodium).
///
/// `preferred` is AES-256-GCM when the CPU has AES-NI and CLMUL
/// (`crypto_aead_aes256gcm_is_available()`), otherwise XChaCha20-Poly1305-IETF.
/// Both take a 256-bit key and append a 16-byte tag.
public enum TrunkCipher: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// AES-256-GCM, 12-byte nonce: about 0.6 µs per 1,200-byte frame with AES-NI.
    case aes256gcm = "aes-256-gcm"
    /// XChaCha20-Poly1305-IETF, 24-byte nonce: about 1.4 µs per 1,200-byte frame.
    case xchacha20poly1305 = "xchacha20-poly1305"

    /// Authentication tag length appended by both ciphers.
    public static let tagByteCount = 16

    /// The fastest cipher available on this CPU.
    public static var preferred: TrunkCipher {
        aes256gcm.isAvailable ? .aes256gcm : .xchacha20poly1305
    }

    /// Whether this process can use the cipher.
    public var isAvailable: Bool {
        switch self {
        case .aes256gcm:
            TrunkCrypto.ensureInitialized()
            return crypto_aead_aes256gcm_is_available() == 1
        case .xchacha20poly1305:
            return true
        }
    }

    /// Nonce length: 12 bytes for AES-256-GCM, 24 for XChaCha20-Poly1305.
    public var nonceByteCount: Int {
        switch self {
        case .aes256gcm: 12
        case .xchacha20poly1305: 24
        }
    }

    /// Largest plaintext one call can seal (`*_messagebytes_max()`, the function
    /// form of libsodium's `*_MESSAGEBYTES_MAX` macro; `size_t` imports as `Int`, so
    /// the value is reinterpreted as unsigned first), clamped to `Int`.
    public var maximumMessageByteCount: Int {
        let max: Int =
            switch self {
            case .aes256gcm: Int(clamping: UInt(bitPattern: crypto_aead_aes256gcm_messagebytes_max()))
            case .xchacha20poly1305: Int(clamping: UInt(bitPattern: crypto_aead_xchacha20poly1305_ietf_messagebytes_max()))
            }
        return Swift.min(max, Int.max - Self.tagByteCount)
    }

    public var description: String { rawValue }
}
