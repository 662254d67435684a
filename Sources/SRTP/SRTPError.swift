/// Everything that can go wrong in the `SRTP` module.
///
/// On the per-packet path, `.authenticationFailed`, `.replayed` and
/// `.malformed` mean "drop and count"; the session stays usable.
public enum SRTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The authentication tag did not verify (`srtp_err_status_auth_fail`):
    /// corrupted, forged, or protected with other keys.
    case authenticationFailed
    /// The packet index was seen before or is behind the replay window
    /// (`srtp_err_status_replay_fail` / `srtp_err_status_replay_old`).
    case replayed
    /// The packet is too short or not RTP/RTCP version 2.
    case malformed(reason: String, length: Int)
    /// The caller's buffer lacks room for the trailer `protect` appends.
    case insufficientTailroom(needed: Int, available: Int)
    /// Master key or salt length does not match the profile.
    case invalidKeyLength(profile: SRTPProtectionProfile, keyLength: Int, saltLength: Int)
    /// A configuration value is outside its allowed range.
    case invalidConfiguration(reason: String)
    /// `protect` on an inbound session or `unprotect` on an outbound one.
    case wrongDirection
    /// `srtp_init` failed (libsrtp's self-tests did not pass).
    case libraryInitializationFailed(code: Int)
    /// Any other libsrtp status (`srtp_err_status_t` value).
    case other(code: Int)

    public var description: String {
        switch self {
        case .authenticationFailed: "SRTP authentication failed"
        case .replayed: "SRTP replay detected"
        case .malformed(let reason, let length): "malformed packet of \(length) bytes: \(reason)"
        case .insufficientTailroom(let needed, let available):
            "buffer too small: \(needed) bytes needed, \(available) available"
        case .invalidKeyLength(let profile, let key, let salt):
            "\(profile) needs a \(profile.masterKeyLength)-byte key and \(profile.masterSaltLength)-byte salt, got \(key) and \(salt)"
        case .invalidConfiguration(let reason): "invalid SRTP configuration: \(reason)"
        case .wrongDirection: "operation does not match the session direction"
        case .libraryInitializationFailed(let code): "srtp_init failed with status \(code)"
        case .other(let code): "libsrtp status \(code)"
        }
    }
}
