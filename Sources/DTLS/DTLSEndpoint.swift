import COpenSSL

/// One DTLS 1.2 connection (RFC 6347) with the `use_srtp` extension
/// (RFC 5764), run over OpenSSL memory BIOs.
///
/// A pure state machine: datagrams go in through `receive(_:)`, datagrams to
/// send come back as return values, and retransmission timers are driven
/// from outside with `nextTimeout(now:)` / `handleTimeout()`. No threads,
/// no sockets.
///
/// Not thread-safe and not `Sendable`: an endpoint belongs to one event
/// loop. It may be created elsewhere and handed over (`sending`).
public final class DTLSEndpoint {
    /// Per-endpoint settings.
    public struct Configuration: Sendable {
        /// Largest datagram produced, and the link MTU OpenSSL fragments
        /// handshake messages for (`DTLS_set_link_mtu`). 1200 bytes fits
        /// every path WebRTC cares about.
        public var mtu: Int = 1200
        /// First retransmission timeout (RFC 6347 §4.2.4.1 suggests 1 s).
        public var initialRetransmitTimeout: Duration = .seconds(1)
        /// Cap for the doubling retransmission timeout.
        public var maxRetransmitTimeout: Duration = .seconds(60)

        public init() {}
    }

    /// Where the connection is.
    public enum State: Sendable, Equatable {
        /// Created; `start()` not called and nothing received yet.
        case new
        /// Handshake in progress.
        case handshaking
        /// Handshake complete, peer fingerprint verified, SRTP profile agreed.
        case connected
        /// Failed for good; the error says why.
        case failed(DTLSError)
        /// Closed by either side (close_notify).
        case closed
    }

    /// The handshake role.
    public let role: DTLSRole
    public let configuration: Configuration
    /// The current state.
    public internal(set) var state: State = .new
    /// The profile the handshake agreed on; set once connected.
    public private(set) var srtpProfile: DTLSSRTPProfile?
    /// `SSL_free_buffers` freed the record buffers (see `releaseIdleBuffers`).
    var buffersReleased = false

    let context: DTLSContext
    /// `SSL *`, owned; frees both BIOs with it.
    let ssl: OpaquePointer
    /// Memory BIO OpenSSL reads received datagrams from (owned by `ssl`).
    let readBIO: OpaquePointer
    /// Memory BIO OpenSSL writes records to (owned by `ssl`).
    let writeBIO: OpaquePointer
    let callbackState: DTLSCallbackState
    /// Application data received and not yet taken.
    var receivedApplicationData: [[UInt8]] = []

    init(
        context: DTLSContext, role: DTLSRole, expectedPeerFingerprints: [DTLSFingerprint],
        configuration: Configuration
    ) throws(DTLSError) {
        guard !expectedPeerFingerprints.isEmpty else { throw .noExpectedFingerprints }
        // dtls1_link_min_mtu() is 256; a UDP payload cannot exceed 65507.
        guard (256...65_507).contains(configuration.mtu) else {
            throw .invalidConfiguration(reason: "mtu \(configuration.mtu) not in 256...65507")
        }
        let initial = try Self.microseconds(configuration.initialRetransmitTimeout, name: "initialRetransmitTimeout")
        let maximum = try Self.microseconds(configuration.maxRetransmitTimeout, name: "maxRetransmitTimeout")
        guard initial <= maximum else {
            throw .invalidConfiguration(reason: "initialRetransmitTimeout exceeds maxRetransmitTimeout")
        }
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.context) else {
            throw .contextSetupFailed(reason: OpenSSLErrorQueue.drain(fallback: "SSL_new failed"))
        }
        guard let readBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw .contextSetupFailed(reason: "BIO_new failed")
        }
        guard let writeBIO = BIO_new(BIO_s_mem()) else {
            BIO_free(readBIO)
            SSL_free(ssl)
            throw .contextSetupFailed(reason: "BIO_new failed")
        }
        // An empty memory BIO reports "retry" instead of EOF.
        _ = em_BIO_set_mem_eof_return(readBIO, -1)
        _ = em_BIO_set_mem_eof_return(writeBIO, -1)
        SSL_set_bio(ssl, readBIO, writeBIO)
        let state = DTLSCallbackState(
            expectedPeerFingerprints: expectedPeerFingerprints,
            initialTimeoutMicroseconds: initial, maxTimeoutMicroseconds: maximum)
        _ = SSL_set_options(ssl, em_SSL_OP_NO_QUERY_MTU())
        guard em_DTLS_set_link_mtu(ssl, configuration.mtu) == 1,
              SSL_set_ex_data(ssl, 0, Unmanaged.passUnretained(state).toOpaque()) == 1
        else {
            SSL_free(ssl)
            throw .contextSetupFailed(reason: OpenSSLErrorQueue.drain(fallback: "SSL configuration failed"))
        }
        DTLS_set_timer_cb(ssl, DTLSCallbacks.retransmitTimer)
        switch role {
        case .client: SSL_set_connect_state(ssl)
        case .server: SSL_set_accept_state(ssl)
        }
        self.context = context
        self.role = role
        self.configuration = configuration
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
        self.callbackState = state
    }

    deinit {
        SSL_free(ssl)
    }

    private static func microseconds(_ duration: Duration, name: String) throws(DTLSError) -> UInt32 {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) * 1e6 + Double(attoseconds) / 1e12
        guard total >= 1_000, total <= 600e6 else {
            throw .invalidConfiguration(reason: "\(name) \(duration) not in 1 ms...600 s")
        }
        return UInt32(total)
    }

    /// Starts the handshake. A client returns its ClientHello flight; a
    /// server returns nothing and waits for one.
    public func start() throws(DTLSError) -> [[UInt8]] {
        guard state == .new else { return takeOutgoingDatagrams() }
        state = .handshaking
        if role == .client {
            try driveHandshake()
        }
        return takeOutgoingDatagrams()
    }

    /// Feeds one received datagram (RFC 7983: first byte 20...63) and
    /// returns the datagrams to send in reply.
    ///
    /// Throws `.malformedRecord` for input that is not a sequence of DTLS
    /// records (dropped; the endpoint is unaffected), and the handshake
    /// errors (`.fingerprintMismatch`, `.handshakeFailed`, `.noSRTPProfile`)
    /// after which `state` is `.failed`; an alert for the peer may then be
    /// waiting in `takeOutgoingDatagrams()`.
    public func receive(_ datagram: UnsafeRawBufferPointer) throws(DTLSError) -> [[UInt8]] {
        switch state {
        case .failed, .closed: throw .endpointFinished
        case .new, .handshaking, .connected: break
        }
        try DTLSRecordLayer.validate(datagram, minimumEncryptedLength: minimumEncryptedLength)
        guard let base = datagram.baseAddress, let count = Int32(exactly: datagram.count),
              BIO_write(readBIO, base, count) == count
        else {
            throw .malformedRecord(reason: "datagram not accepted by BIO", offset: 0, datagramLength: datagram.count)
        }
        if state == .new {
            state = .handshaking
        }
        if state == .handshaking {
            try driveHandshake()
        }
        if state == .connected {
            buffersReleased = false  // SSL_read sets the record buffers up again
            try readApplicationData()
        }
        let replies = takeOutgoingDatagrams()
        releaseIdleBuffers()
        return replies
    }

    /// Frees the record layer's read and write buffers (about 17 KiB each)
    /// while nothing is pending in them; OpenSSL allocates them again when a
    /// record comes or goes. After the handshake a DTLS-SRTP connection is
    /// almost always idle, and `SSL_MODE_RELEASE_BUFFERS` does not apply to
    /// DTLS in OpenSSL 3.0, so without this every connection keeps them.
    func releaseIdleBuffers() {
        guard state == .connected, !buffersReleased else { return }
        buffersReleased = SSL_free_buffers(ssl) == 1
    }

    /// Re-creates the record buffers before OpenSSL writes (`SSL_write`,
    /// `SSL_shutdown`, retransmissions): OpenSSL 3.0's DTLS write path assumes
    /// they exist (reads set them up, writes do not), so a write after
    /// `SSL_free_buffers` would dereference a null buffer. A read with nothing
    /// in the read BIO sets up both buffers and consumes nothing.
    func restoreBuffersBeforeWrite() {
        guard buffersReleased else { return }
        var byte: UInt8 = 0
        _ = SSL_peek(ssl, &byte, 1)
        OpenSSLErrorQueue.clear()
        buffersReleased = false
    }

    /// Convenience for byte arrays and other collections.
    public func receive(_ datagram: some Collection<UInt8>) throws(DTLSError) -> [[UInt8]] {
        let bytes = Array(datagram)
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(DTLSError) -> [[UInt8]] in try receive(raw) }
        }
        return try result.get()
    }

    /// The smallest genuine encrypted record for the negotiated cipher:
    /// AES-GCM has an 8-byte explicit nonce and a 16-byte tag (RFC 5288 §3),
    /// ChaCha20-Poly1305 only the 16-byte tag (RFC 7905 §2). Before a cipher
    /// is chosen, the smaller bound.
    private var minimumEncryptedLength: Int {
        guard let cipher = SSL_get_current_cipher(ssl) else { return 16 }
        return SSL_CIPHER_get_cipher_nid(cipher) == NID_chacha20_poly1305 ? 16 : 24
    }

    /// Everything OpenSSL has written and not yet handed out, split at
    /// record boundaries and packed into datagrams of at most `mtu` bytes.
    public func takeOutgoingDatagrams() -> [[UInt8]] {
        let pending = BIO_ctrl_pending(writeBIO)
        guard pending > 0, let count = Int32(exactly: pending) else { return [] }
        var output = [UInt8](repeating: 0, count: Int(count))
        let read = output.withUnsafeMutableBytes { raw in BIO_read(writeBIO, raw.baseAddress, count) }
        guard read > 0 else { return [] }
        return output.prefix(Int(read)).withUnsafeBytes { raw in
            DTLSRecordLayer.packDatagrams(raw, maxDatagramSize: configuration.mtu)
        }
    }

    /// Runs `SSL_do_handshake` until it wants more input or finishes.
    private func driveHandshake() throws(DTLSError) {
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            try completeHandshake()
            return
        }
        let code = SSL_get_error(ssl, result)
        if code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE {
            return
        }
        let error: DTLSError =
            callbackState.fingerprintRejected
            ? .fingerprintMismatch
            : .handshakeFailed(reason: OpenSSLErrorQueue.drain(fallback: "SSL_get_error \(code)"))
        OpenSSLErrorQueue.clear()
        state = .failed(error)
        throw error
    }

    /// Post-handshake checks: the peer certificate again (defence in depth
    /// behind the verify callback) and the negotiated SRTP profile.
    private func completeHandshake() throws(DTLSError) {
        var verified = false
        if let peer = SSL_get1_peer_certificate(ssl) {
            verified = X509Digest.matches(peer, expected: callbackState.expectedPeerFingerprints)
            X509_free(peer)
        }
        guard verified else {
            try abort(with: .fingerprintMismatch)
        }
        guard let selected = SSL_get_selected_srtp_profile(ssl),
              let id = UInt16(exactly: selected.pointee.id),
              let profile = DTLSSRTPProfile(rawValue: id),
              context.configuration.srtpProfiles.contains(profile)
        else {
            try abort(with: .noSRTPProfile)
        }
        srtpProfile = profile
        state = .connected
    }

    /// Sends close_notify, marks the endpoint failed and throws.
    private func abort(with error: DTLSError) throws(DTLSError) -> Never {
        _ = SSL_shutdown(ssl)
        OpenSSLErrorQueue.clear()
        state = .failed(error)
        throw error
    }
}
