import COpenSSL

/// A self-signed ECDSA P-256 certificate and its private key, as WebRTC
/// endpoints use for DTLS-SRTP (RFC 8827 §6.5: certificates are
/// authenticated by the SDP fingerprint, not by a CA).
///
/// `@unchecked Sendable`: the wrapped `EVP_PKEY` and `X509` are never mutated
/// after `generate()` returns, and OpenSSL allows concurrent read-only use of
/// both (they are reference-counted with atomic counters when an `SSL_CTX`
/// takes them), so sharing one certificate across threads is safe.
public final class DTLSCertificate: @unchecked Sendable {
    /// `EVP_PKEY *`, owned.
    let privateKey: OpaquePointer
    /// `X509 *`, owned.
    let x509: OpaquePointer
    /// The certificate's DER encoding.
    public let derBytes: [UInt8]
    /// The SHA-256 fingerprint, the one to put in `a=fingerprint:`.
    public let fingerprint: DTLSFingerprint

    /// The SDP attribute value, e.g. `sha-256 AB:CD:...`.
    public var sdpFingerprint: String { fingerprint.sdpValue }

    private init(privateKey: OpaquePointer, x509: OpaquePointer, derBytes: [UInt8], fingerprint: DTLSFingerprint) {
        self.privateKey = privateKey
        self.x509 = x509
        self.derBytes = derBytes
        self.fingerprint = fingerprint
    }

    deinit {
        X509_free(x509)
        EVP_PKEY_free(privateKey)
    }

    /// The certificate's fingerprint with another hash function.
    public func fingerprint(_ algorithm: DTLSFingerprint.Algorithm) -> DTLSFingerprint {
        if algorithm == fingerprint.algorithm { return fingerprint }
        // X509_digest on a valid certificate with a built-in digest cannot fail
        // short of memory exhaustion; fall back to the SHA-256 one rather than trap.
        return X509Digest.fingerprint(of: x509, algorithm: algorithm) ?? fingerprint
    }

    /// Generates a fresh key pair and a self-signed certificate.
    ///
    /// - Parameters:
    ///   - commonName: the subject and issuer CN; peers ignore it.
    ///   - validityDays: days the certificate is valid from one day ago (to
    ///     tolerate clock skew). WebRTC peers do not check validity of
    ///     fingerprint-authenticated certificates, but keep it plausible.
    public static func generate(commonName: String = "edgemesh", validityDays: Int = 30) throws(DTLSError) -> DTLSCertificate {
        guard (1...3650).contains(validityDays) else {
            throw .invalidConfiguration(reason: "validityDays \(validityDays) not in 1...3650")
        }
        OpenSSLErrorQueue.clear()
        guard let key = generateP256Key() else {
            throw .certificateGenerationFailed(reason: OpenSSLErrorQueue.drain(fallback: "EC P-256 key generation failed"))
        }
        guard let x509 = X509_new() else {
            EVP_PKEY_free(key)
            throw .certificateGenerationFailed(reason: "X509_new failed")
        }
        guard fill(x509, key: key, commonName: commonName, validityDays: validityDays),
              let der = derEncoding(of: x509),
              let fingerprint = X509Digest.fingerprint(of: x509, algorithm: .sha256)
        else {
            X509_free(x509)
            EVP_PKEY_free(key)
            throw .certificateGenerationFailed(reason: OpenSSLErrorQueue.drain(fallback: "X.509 construction failed"))
        }
        return DTLSCertificate(privateKey: key, x509: x509, derBytes: der, fingerprint: fingerprint)
    }

    /// `EVP_EC_gen("P-256")` is a macro; this is its function form.
    private static func generateP256Key() -> OpaquePointer? {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1,
              EVP_PKEY_CTX_set_group_name(context, "P-256") == 1
        else { return nil }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(context, &key) == 1 else {
            EVP_PKEY_free(key)
            return nil
        }
        return key
    }

    /// Version 3, random positive 63-bit serial, validity, subject = issuer,
    /// public key, ECDSA-with-SHA256 signature.
    private static func fill(_ x509: OpaquePointer, key: OpaquePointer, commonName: String, validityDays: Int) -> Bool {
        var serial: UInt64 = 0
        let gotRandom = withUnsafeMutableBytes(of: &serial) { raw in
            RAND_bytes(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(raw.count))
        }
        guard gotRandom == 1 else { return false }
        serial &= 0x7FFF_FFFF_FFFF_FFFF
        if serial == 0 { serial = 1 }
        let oneDay = 86_400
        guard X509_set_version(x509, 2) == 1,
              ASN1_INTEGER_set_uint64(X509_get_serialNumber(x509), serial) == 1,
              X509_gmtime_adj(X509_getm_notBefore(x509), -oneDay) != nil,
              X509_gmtime_adj(X509_getm_notAfter(x509), oneDay * validityDays) != nil,
              X509_set_pubkey(x509, key) == 1,
              let name = X509_get_subject_name(x509)
        else { return false }
        let cn = commonName.isEmpty ? Array("edgemesh".utf8) : Array(commonName.utf8.prefix(64))
        let added = cn.withUnsafeBufferPointer { pointer in
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, pointer.baseAddress, Int32(pointer.count), -1, 0)
        }
        guard added == 1,
              X509_set_issuer_name(x509, name) == 1,
              X509_sign(x509, key, EVP_sha256()) > 0
        else { return false }
        return true
    }

    private static func derEncoding(of x509: OpaquePointer) -> [UInt8]? {
        let length = i2d_X509(x509, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { pointer -> Int32 in
            var cursor = pointer.baseAddress
            return i2d_X509(x509, &cursor)
        }
        guard written == length else { return nil }
        return der
    }
}
