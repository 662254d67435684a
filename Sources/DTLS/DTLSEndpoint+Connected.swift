import COpenSSL

extension DTLSEndpoint {
    /// RFC 5764 §4.2 exporter label.
    private static let srtpExporterLabel = Array("EXTRACTOR-dtls_srtp".utf8)
    /// Largest DTLS plaintext record (2^14).
    private static let maxPlaintext = 1 << 14

    /// Exports the SRTP master keys and salts (RFC 5764 §4.2,
    /// `SSL_export_keying_material` with label "EXTRACTOR-dtls_srtp", no
    /// context). Use `localKeys(for: role)` to protect and
    /// `remoteKeys(for: role)` to unprotect.
    public func exportSRTPKeyingMaterial() throws(DTLSError) -> SRTPKeyingMaterial {
        guard state == .connected else { throw .notConnected }
        guard let profile = srtpProfile else { throw .noSRTPProfile }
        let length = 2 * (profile.masterKeyLength + profile.masterSaltLength)
        var output = [UInt8](repeating: 0, count: length)
        OpenSSLErrorQueue.clear()
        let result = output.withUnsafeMutableBufferPointer { out in
            Self.srtpExporterLabel.withUnsafeBufferPointer { label in
                label.withMemoryRebound(to: CChar.self) { labelChars in
                    SSL_export_keying_material(
                        ssl, out.baseAddress, out.count, labelChars.baseAddress, labelChars.count, nil, 0, 0)
                }
            }
        }
        guard result == 1, let material = SRTPKeyingMaterial(profile: profile, exporterOutput: output) else {
            throw .keyExportFailed(reason: OpenSSLErrorQueue.drain(fallback: "SSL_export_keying_material failed"))
        }
        return material
    }

    /// When `handleTimeout()` should next be called, or `nil` if no
    /// retransmission timer runs. OpenSSL keeps its own wall clock; this maps
    /// the remaining time onto the caller's clock.
    public func nextTimeout<Instant: InstantProtocol>(now: Instant) -> Instant? where Instant.Duration == Duration {
        timeUntilTimeout().map { now.advanced(by: $0) }
    }

    /// Time left on the retransmission timer (zero if already expired), or
    /// `nil` if none runs (`DTLSv1_get_timeout`).
    public func timeUntilTimeout() -> Duration? {
        guard state == .handshaking || state == .connected else { return nil }
        var remaining = timeval()
        guard em_DTLSv1_get_timeout(ssl, &remaining) == 1 else { return nil }
        return .seconds(Int64(remaining.tv_sec)) + .microseconds(Int64(remaining.tv_usec))
    }

    /// Retransmits the last flight if the timer expired
    /// (`DTLSv1_handle_timeout`); returns the datagrams to send. Throws
    /// `.handshakeTimedOut` once OpenSSL gives up (12 expiries).
    public func handleTimeout() throws(DTLSError) -> [[UInt8]] {
        guard state == .handshaking || state == .connected else { return [] }
        restoreBuffersBeforeWrite()
        OpenSSLErrorQueue.clear()
        if em_DTLSv1_handle_timeout(ssl) < 0 {
            OpenSSLErrorQueue.clear()
            state = .failed(.handshakeTimedOut)
            throw .handshakeTimedOut
        }
        let datagrams = takeOutgoingDatagrams()
        releaseIdleBuffers()
        return datagrams
    }

    /// Sends application data (e.g. SCTP for data channels) in one record.
    public func send(_ data: UnsafeRawBufferPointer) throws(DTLSError) -> [[UInt8]] {
        guard state == .connected else { throw .notConnected }
        guard !data.isEmpty else { return [] }
        guard data.count <= Self.maxPlaintext, let count = Int32(exactly: data.count) else {
            throw .writeFailed(reason: "\(data.count) bytes exceed one record (\(Self.maxPlaintext))")
        }
        restoreBuffersBeforeWrite()
        OpenSSLErrorQueue.clear()
        let written = SSL_write(ssl, data.baseAddress, count)
        guard written == count else {
            throw .writeFailed(reason: OpenSSLErrorQueue.drain(fallback: "SSL_write returned \(written)"))
        }
        let datagrams = takeOutgoingDatagrams()
        releaseIdleBuffers()
        return datagrams
    }

    /// Convenience for byte arrays.
    public func send(_ data: [UInt8]) throws(DTLSError) -> [[UInt8]] {
        let result = data.withUnsafeBytes { raw in
            Result { () throws(DTLSError) -> [[UInt8]] in try send(raw) }
        }
        return try result.get()
    }

    /// Application data received since the last call.
    public func takeApplicationData() -> [[UInt8]] {
        defer { receivedApplicationData = [] }
        return receivedApplicationData
    }

    /// Sends close_notify (RFC 5246 §7.2.1) if connected and moves to
    /// `.closed`; returns the datagrams to send.
    public func close() -> [[UInt8]] {
        switch state {
        case .connected:
            restoreBuffersBeforeWrite()
            _ = SSL_shutdown(ssl)
            OpenSSLErrorQueue.clear()
            state = .closed
            return takeOutgoingDatagrams()
        case .new, .handshaking:
            state = .closed
            return []
        case .failed, .closed:
            return []
        }
    }

    /// Reads records after the handshake: application data, close_notify,
    /// retransmitted handshake flights (OpenSSL answers those itself).
    func readApplicationData() throws(DTLSError) {
        var buffer = [UInt8](repeating: 0, count: Self.maxPlaintext)
        while true {
            OpenSSLErrorQueue.clear()
            let count = Int32(buffer.count)
            let read = buffer.withUnsafeMutableBytes { raw in SSL_read(ssl, raw.baseAddress, count) }
            if read > 0 {
                receivedApplicationData.append(Array(buffer.prefix(Int(read))))
                continue
            }
            let code = SSL_get_error(ssl, read)
            switch code {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return
            case SSL_ERROR_ZERO_RETURN:
                // Peer sent close_notify: answer with ours.
                _ = SSL_shutdown(ssl)
                OpenSSLErrorQueue.clear()
                state = .closed
                return
            default:
                let error = DTLSError.connectionFailed(
                    reason: OpenSSLErrorQueue.drain(fallback: "SSL_get_error \(code)"))
                state = .failed(error)
                throw error
            }
        }
    }
}
