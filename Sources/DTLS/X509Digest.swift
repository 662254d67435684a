import COpenSSL

/// Certificate digests and the RFC 8122 §5 matching rule.
enum X509Digest {
    /// The digest of `certificate`'s DER encoding (`X509_digest`).
    static func fingerprint(of certificate: OpaquePointer, algorithm: DTLSFingerprint.Algorithm) -> DTLSFingerprint? {
        let md: OpaquePointer? =
            switch algorithm {
            case .sha256: EVP_sha256()
            case .sha384: EVP_sha384()
            case .sha512: EVP_sha512()
            }
        var buffer = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = buffer.withUnsafeMutableBufferPointer { pointer in
            X509_digest(certificate, md, pointer.baseAddress, &length)
        }
        guard ok == 1, Int(length) == algorithm.digestLength else { return nil }
        return try? DTLSFingerprint(algorithm: algorithm, bytes: Array(buffer.prefix(Int(length))))
    }

    /// RFC 8122 §5: "An endpoint MUST select the set of fingerprints that use
    /// its most preferred hash function (out of those offered by the peer) and
    /// verify that each certificate used matches one fingerprint out of that
    /// set." The most preferred function is the strongest one offered.
    static func matches(_ certificate: OpaquePointer, expected: [DTLSFingerprint]) -> Bool {
        guard let strongest = expected.map(\.algorithm).max() else { return false }
        guard let actual = fingerprint(of: certificate, algorithm: strongest) else { return false }
        return expected.contains { $0.algorithm == strongest && constantTimeEqual($0.bytes, actual.bytes) }
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }
}
