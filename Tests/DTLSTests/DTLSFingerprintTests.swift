import Testing
@testable import DTLS

@Suite("DTLS certificates and fingerprints")
struct DTLSFingerprintTests {
    @Test("the reference SHA-256 matches FIPS 180-2 Appendix B.1 (\"abc\")")
    func referenceHash() {
        #expect(ReferenceSHA256.hash(Array("abc".utf8)) == hexBytes(
            "ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad"))
    }

    @Test("the certificate fingerprint is the SHA-256 of its DER encoding")
    func certificateFingerprint() throws {
        let certificate = try DTLSCertificate.generate()
        #expect(certificate.derBytes.count > 200)
        // DER SEQUENCE tag.
        #expect(certificate.derBytes.first == 0x30)
        #expect(certificate.fingerprint.algorithm == .sha256)
        #expect(certificate.fingerprint.bytes == ReferenceSHA256.hash(certificate.derBytes))
        #expect(certificate.sdpFingerprint.hasPrefix("sha-256 "))
        // SDP form: 32 uppercase hex pairs joined by colons.
        let hex = certificate.fingerprint.hexString
        #expect(hex.count == 32 * 3 - 1)
        #expect(hex == hex.uppercased())
        #expect(try DTLSFingerprint(sdpValue: certificate.sdpFingerprint) == certificate.fingerprint)
        #expect(certificate.fingerprint(.sha384).bytes.count == 48)
        #expect(certificate.fingerprint(.sha512).bytes.count == 64)
    }

    @Test("two generated certificates differ (fresh key and random serial)")
    func certificatesDiffer() throws {
        let first = try DTLSCertificate.generate()
        let second = try DTLSCertificate.generate()
        #expect(first.fingerprint != second.fingerprint)
    }

    @Test(
        "a=fingerprint values parse",
        arguments: [
            // Chromium: sha-256, uppercase.
            ("sha-256 " + Array(repeating: "AB", count: 32).joined(separator: ":"), DTLSFingerprint.Algorithm.sha256, UInt8(0xAB)),
            // aiortc also sends sha-384 and sha-512; hash names are case-insensitive, hex accepted in lowercase.
            ("SHA-384 " + Array(repeating: "0f", count: 48).joined(separator: ":"), .sha384, 0x0F),
            ("sha-512  " + Array(repeating: "FF", count: 64).joined(separator: ":") + "\r\n", .sha512, 0xFF),
        ])
    func parses(value: String, algorithm: DTLSFingerprint.Algorithm, byte: UInt8) throws {
        let fingerprint = try DTLSFingerprint(sdpValue: value)
        #expect(fingerprint.algorithm == algorithm)
        #expect(fingerprint.bytes == [UInt8](repeating: byte, count: algorithm.digestLength))
        // Serializes to the canonical form and back.
        #expect(try DTLSFingerprint(sdpValue: fingerprint.sdpValue) == fingerprint)
    }

    /// `count` copies of `pair` joined by `separator`.
    static func hexRun(_ pair: String, _ count: Int, separator: String = ":") -> String {
        Array(repeating: pair, count: count).joined(separator: separator)
    }

    static let malformedValues: [String] = [
        "",
        "sha-256",  // no fingerprint
        "sha-1 AB:CD",  // unsupported hash
        "md5 " + hexRun("AB", 16),
        "sha-256 " + hexRun("AB", 31),  // too short
        "sha-256 " + hexRun("AB", 33),  // too long
        "sha-256 " + hexRun("AB", 32) + ":",  // trailing colon
        "sha-256 " + hexRun("A", 32),  // single digits
        "sha-256 " + hexRun("GG", 32),  // not hex
        "sha-256 " + hexRun("AB", 32, separator: "-"),  // wrong separator
        "sha-256 " + hexRun("ABCD", 16),  // missing colons
        "sha-256 \u{E9}" + hexRun("AB", 32),  // non-ASCII
    ]

    @Test("malformed a=fingerprint values are rejected", arguments: malformedValues)
    func rejects(value: String) {
        #expect(throws: DTLSError.self) { try DTLSFingerprint(sdpValue: value) }
    }

    @Test("a digest of the wrong length is rejected")
    func wrongDigestLength() {
        #expect(throws: DTLSError.self) { try DTLSFingerprint(algorithm: .sha512, bytes: [1, 2, 3]) }
    }
}
