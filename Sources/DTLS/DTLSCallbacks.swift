import COpenSSL

/// State OpenSSL's C callbacks need, reached through the `SSL`'s app data
/// (ex_data index 0, what `SSL_set_app_data` uses). The endpoint owns it and
/// outlives every callback, which only run inside the endpoint's own calls.
final class DTLSCallbackState {
    let expectedPeerFingerprints: [DTLSFingerprint]
    let initialTimeoutMicroseconds: UInt32
    let maxTimeoutMicroseconds: UInt32
    /// Set by the verify callback when the peer certificate is rejected.
    var fingerprintRejected = false

    init(expectedPeerFingerprints: [DTLSFingerprint], initialTimeoutMicroseconds: UInt32, maxTimeoutMicroseconds: UInt32) {
        self.expectedPeerFingerprints = expectedPeerFingerprints
        self.initialTimeoutMicroseconds = initialTimeoutMicroseconds
        self.maxTimeoutMicroseconds = maxTimeoutMicroseconds
    }

    static func from(ssl: OpaquePointer?) -> DTLSCallbackState? {
        guard let ssl, let raw = SSL_get_ex_data(ssl, 0) else { return nil }
        return Unmanaged<DTLSCallbackState>.fromOpaque(raw).takeUnretainedValue()
    }
}

/// C callbacks installed on the `SSL_CTX` / `SSL`.
enum DTLSCallbacks {
    /// `SSL_CTX_set_verify` callback. Self-signed certificates are expected
    /// (WebRTC authenticates by fingerprint, RFC 8827 §6.5), so chain errors
    /// are ignored; the leaf (depth 0) must match the SDP fingerprints. A
    /// mismatch aborts the handshake with a bad_certificate alert.
    static let verifyPeer: @convention(c) (Int32, OpaquePointer?) -> Int32 = { _, store in
        guard let store else { return 0 }
        guard X509_STORE_CTX_get_error_depth(store) == 0 else { return 1 }
        guard let sslRaw = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
              let state = DTLSCallbackState.from(ssl: OpaquePointer(sslRaw)),
              let certificate = X509_STORE_CTX_get_current_cert(store)
        else { return 0 }
        if X509Digest.matches(certificate, expected: state.expectedPeerFingerprints) {
            return 1
        }
        state.fingerprintRejected = true
        return 0
    }

    /// `DTLS_set_timer_cb` callback: `previous == 0` asks for the initial
    /// retransmission timeout, otherwise the next one (doubling, capped;
    /// RFC 6347 §4.2.4.1).
    static let retransmitTimer: @convention(c) (OpaquePointer?, UInt32) -> UInt32 = { ssl, previous in
        guard let state = DTLSCallbackState.from(ssl: ssl) else { return 1_000_000 }
        if previous == 0 { return state.initialTimeoutMicroseconds }
        let doubled = previous > UInt32.max / 2 ? UInt32.max : previous * 2
        return min(doubled, state.maxTimeoutMicroseconds)
    }
}
