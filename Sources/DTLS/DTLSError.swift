/// Everything that can go wrong in the `DTLS` module.
///
/// One enum for the whole module; each case carries what was wrong and, for
/// malformed input, the sizes involved. New cases may be added: switch with a
/// `default` branch outside this module.
public enum DTLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The handshake failed inside OpenSSL; `reason` is the text of the first
    /// queued OpenSSL error (`ERR_error_string_n`) or the `SSL_get_error` code.
    case handshakeFailed(reason: String)
    /// The peer's certificate matches none of the fingerprints from its SDP.
    case fingerprintMismatch
    /// The handshake completed without a negotiated `use_srtp` profile
    /// (RFC 5764 §4.1.1), so no SRTP keys can be exported.
    case noSRTPProfile
    /// The retransmission timer fired too often without progress (OpenSSL's
    /// DTLS1_TMO_ALERT_COUNT); the peer is gone.
    case handshakeTimedOut
    /// A received datagram is not a sequence of well-formed DTLS records
    /// (RFC 6347 §4.1); nothing was passed to OpenSSL.
    case malformedRecord(reason: String, offset: Int, datagramLength: Int)
    /// An `a=fingerprint` value could not be parsed (RFC 8122 §5).
    case invalidFingerprint(reason: String)
    /// A hash function other than sha-256, sha-384 or sha-512.
    case unsupportedFingerprintAlgorithm(String)
    /// An endpoint was created without any expected peer fingerprint.
    case noExpectedFingerprints
    /// Key or certificate generation failed inside OpenSSL.
    case certificateGenerationFailed(reason: String)
    /// `SSL_CTX` or `SSL` setup failed inside OpenSSL.
    case contextSetupFailed(reason: String)
    /// A configuration value is outside its allowed range.
    case invalidConfiguration(reason: String)
    /// The operation needs a connected endpoint (key export, sending data).
    case notConnected
    /// The endpoint has failed or been closed and accepts no more input.
    case endpointFinished
    /// `SSL_export_keying_material` failed.
    case keyExportFailed(reason: String)
    /// Writing application data failed inside OpenSSL.
    case writeFailed(reason: String)
    /// After the handshake, OpenSSL reported a fatal error (e.g. a fatal
    /// alert from the peer).
    case connectionFailed(reason: String)

    public var description: String {
        switch self {
        case .handshakeFailed(let reason): "DTLS handshake failed: \(reason)"
        case .fingerprintMismatch: "peer certificate does not match the SDP fingerprint"
        case .noSRTPProfile: "no SRTP protection profile negotiated"
        case .handshakeTimedOut: "DTLS handshake timed out"
        case .malformedRecord(let reason, let offset, let length):
            "malformed DTLS record at offset \(offset) of \(length): \(reason)"
        case .invalidFingerprint(let reason): "invalid fingerprint: \(reason)"
        case .unsupportedFingerprintAlgorithm(let name): "unsupported fingerprint hash function \(name)"
        case .noExpectedFingerprints: "no expected peer fingerprint given"
        case .certificateGenerationFailed(let reason): "certificate generation failed: \(reason)"
        case .contextSetupFailed(let reason): "DTLS context setup failed: \(reason)"
        case .invalidConfiguration(let reason): "invalid DTLS configuration: \(reason)"
        case .notConnected: "DTLS endpoint is not connected"
        case .endpointFinished: "DTLS endpoint has failed or is closed"
        case .keyExportFailed(let reason): "SRTP key export failed: \(reason)"
        case .writeFailed(let reason): "DTLS write failed: \(reason)"
        case .connectionFailed(let reason): "DTLS connection failed: \(reason)"
        }
    }
}
