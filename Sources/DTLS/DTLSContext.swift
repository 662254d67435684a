import COpenSSL

/// One `SSL_CTX` for one certificate: DTLS 1.2 only, `use_srtp`, peer
/// certificate required. Endpoints are created from it cheaply.
///
/// `@unchecked Sendable`: the `SSL_CTX` is fully configured in `init` and
/// never changed afterwards; OpenSSL allows creating `SSL` objects from one
/// `SSL_CTX` on several threads at once.
public final class DTLSContext: @unchecked Sendable {
    /// Settings shared by every endpoint of a context.
    public struct Configuration: Sendable {
        /// SRTP profiles offered (client) or accepted (server) in order of
        /// preference (RFC 5764 §4.1.1). The server picks its first profile
        /// the client also offers.
        public var srtpProfiles: [DTLSSRTPProfile] = DTLSSRTPProfile.defaultPreference
        /// OpenSSL cipher list for DTLS 1.2: ECDHE with AEAD ciphers only;
        /// ECDSA and RSA server certificates are both allowed. RFC 8827 §6.5
        /// makes TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 mandatory, so every
        /// WebRTC peer has one of these. CBC suites are left out on purpose:
        /// with encrypt-then-MAC, OpenSSL 3.0 DTLS treats one forged record
        /// as fatal. Only AES-GCM and ChaCha20-Poly1305 suites are supported
        /// by the endpoint's short-record filter.
        public var cipherList: String =
            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
            + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
            + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

        public init() {}
    }

    /// `SSL_CTX *`, owned.
    let context: OpaquePointer
    /// The local certificate every endpoint presents.
    public let certificate: DTLSCertificate
    public let configuration: Configuration

    /// Builds the `SSL_CTX`.
    public init(certificate: DTLSCertificate, configuration: Configuration = Configuration()) throws(DTLSError) {
        guard !configuration.srtpProfiles.isEmpty else {
            throw .invalidConfiguration(reason: "no SRTP profile")
        }
        OpenSSLErrorQueue.clear()
        guard let context = SSL_CTX_new(DTLS_method()) else {
            throw .contextSetupFailed(reason: OpenSSLErrorQueue.drain(fallback: "SSL_CTX_new failed"))
        }
        self.context = context
        self.certificate = certificate
        self.configuration = configuration
        // From here on deinit frees the context if a step below throws.
        let profiles = configuration.srtpProfiles.map(\.openSSLName).joined(separator: ":")
        let options =
            em_SSL_OP_NO_QUERY_MTU() | em_SSL_OP_NO_TICKET() | em_SSL_OP_CIPHER_SERVER_PREFERENCE()
            | em_SSL_OP_NO_RENEGOTIATION()
        _ = SSL_CTX_set_options(context, options)
        guard em_SSL_CTX_set_min_proto_version(context, em_DTLS1_2_VERSION()) == 1,
              em_SSL_CTX_set_max_proto_version(context, em_DTLS1_2_VERSION()) == 1,
              SSL_CTX_use_certificate(context, certificate.x509) == 1,
              SSL_CTX_use_PrivateKey(context, certificate.privateKey) == 1,
              SSL_CTX_check_private_key(context) == 1,
              SSL_CTX_set_cipher_list(context, configuration.cipherList) == 1,
              // Returns 0 on success, unlike most OpenSSL calls.
              SSL_CTX_set_tlsext_use_srtp(context, profiles) == 0
        else {
            throw .contextSetupFailed(reason: OpenSSLErrorQueue.drain(fallback: "SSL_CTX configuration failed"))
        }
        _ = em_SSL_CTX_set_read_ahead(context, 1)
        // Free each connection's record buffers (~17 KiB each way) while they
        // are empty: after the handshake a DTLS-SRTP connection is idle.
        _ = em_SSL_CTX_set_mode(context, em_SSL_MODE_RELEASE_BUFFERS())
        SSL_CTX_set_verify(
            context, em_SSL_VERIFY_PEER() | em_SSL_VERIFY_FAIL_IF_NO_PEER_CERT(), DTLSCallbacks.verifyPeer)
    }

    deinit {
        SSL_CTX_free(context)
    }

    /// A new endpoint using this context's certificate.
    ///
    /// - Parameters:
    ///   - role: `.client` sends the ClientHello (`a=setup:active`).
    ///   - expectedPeerFingerprints: the peer's `a=fingerprint` values; the
    ///     handshake fails with `.fingerprintMismatch` if its certificate
    ///     matches none of those with the strongest offered hash function.
    public func makeEndpoint(
        role: DTLSRole,
        expectedPeerFingerprints: [DTLSFingerprint],
        configuration: DTLSEndpoint.Configuration = DTLSEndpoint.Configuration()
    ) throws(DTLSError) -> DTLSEndpoint {
        try DTLSEndpoint(
            context: self, role: role, expectedPeerFingerprints: expectedPeerFingerprints,
            configuration: configuration)
    }
}
