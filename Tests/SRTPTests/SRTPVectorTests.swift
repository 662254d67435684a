import Testing
@testable import SRTP

/// libsrtp's own known-answer vectors (test/srtp_driver.c, srtp_validate and
/// srtp_validate_gcm) and RFC 3711 / RFC 7714 vectors.
@Suite("SRTP known-answer vectors")
struct SRTPVectorTests {
    // RFC 3711 B.3 master key and salt; libsrtp's test_key.
    static let cmMasterKey = hexBytes("e1f97a0d3e018be0d64fa32c06de4139")
    static let cmMasterSalt = hexBytes("0ec675ad498afeebb6960b3aabe6")

    // RTP: V=2, PT=15, seq 0x1234, ts 0xdecafbad, SSRC 0xcafebabe, 16 bytes of 0xab.
    static let rtpPlaintext = hexBytes("800f1234 decafbad cafebabe abababab abababab abababab abababab")
    // RTCP: V=2 RC=1 SR(200) length 11, SSRC 0xcafebabe, 16 bytes of 0xab.
    static let rtcpPlaintext = hexBytes("81c8000b cafebabe abababab abababab abababab abababab")

    @Test("AES_CM_128_HMAC_SHA1_80 RTP: libsrtp srtp_validate reference packet")
    func aesCMRTP() throws {
        let expected = hexBytes("""
            800f1234 decafbad cafebabe
            4e55dc4c e79978d8 8ca4d215 949d2402
            b78d6acc 99ea179b 8dbb
            """)  // header, encrypted payload, 10-byte HMAC-SHA1 tag
        let sender = try SRTPSession(profile: .aes128CMHMACSHA1_80, masterKey: Self.cmMasterKey, masterSalt: Self.cmMasterSalt, direction: .outbound)
        var packet = Self.rtpPlaintext
        try sender.protectRTP(&packet)
        #expect(packet == expected)

        let receiver = try SRTPSession(profile: .aes128CMHMACSHA1_80, masterKey: Self.cmMasterKey, masterSalt: Self.cmMasterSalt, direction: .inbound)
        try receiver.unprotectRTP(&packet)
        #expect(packet == Self.rtpPlaintext)
    }

    @Test("AES_CM_128_HMAC_SHA1_80 RTCP: libsrtp srtp_validate reference packet")
    func aesCMRTCP() throws {
        let expected = hexBytes("""
            81c8000b cafebabe
            7128035b e487b9bd bef89041 f977a5a8
            80000001 993e08cd 54d6c123 0798
            """)  // header, encrypted body, E=1 + SRTCP index 1, 10-byte tag
        let sender = try SRTPSession(profile: .aes128CMHMACSHA1_80, masterKey: Self.cmMasterKey, masterSalt: Self.cmMasterSalt, direction: .outbound)
        var packet = Self.rtcpPlaintext
        try sender.protectRTCP(&packet)
        #expect(packet == expected)

        let receiver = try SRTPSession(profile: .aes128CMHMACSHA1_80, masterKey: Self.cmMasterKey, masterSalt: Self.cmMasterSalt, direction: .inbound)
        try receiver.unprotectRTCP(&packet)
        #expect(packet == Self.rtcpPlaintext)
    }

    @Test("AEAD_AES_128_GCM RTP and RTCP: libsrtp srtp_validate_gcm reference packets")
    func gcmReference() throws {
        let key = hexBytes("000102030405060708090a0b0c0d0e0f")
        let salt = hexBytes("a0a1a2a3a4a5a6a7a8a9aaab")
        let expectedRTP = hexBytes("""
            800f1234 decafbad cafebabe
            c5002ede 04cfdd2e b91159e0 880aa06e
            d2976826 f796b201 df3131a1 27e8a392
            """)  // header, ciphertext, 16-byte GCM tag
        let expectedRTCP = hexBytes("""
            81c8000b cafebabe
            c98b8b5d f0392a55 852b6c21 ac8e7025
            c52c6fbe a2b3b446 ea31123b a88ce61e
            80000001
            """)  // header, ciphertext + tag, then E=1 + SRTCP index 1 (RFC 7714 §9.1)
        let sender = try SRTPSession(profile: .aeadAES128GCM, masterKey: key, masterSalt: salt, direction: .outbound)
        var rtp = Self.rtpPlaintext
        try sender.protectRTP(&rtp)
        #expect(rtp == expectedRTP)
        var rtcp = Self.rtcpPlaintext
        try sender.protectRTCP(&rtcp)
        #expect(rtcp == expectedRTCP)

        let receiver = try SRTPSession(profile: .aeadAES128GCM, masterKey: key, masterSalt: salt, direction: .inbound)
        try receiver.unprotectRTP(&rtp)
        #expect(rtp == Self.rtpPlaintext)
        try receiver.unprotectRTCP(&rtcp)
        #expect(rtcp == Self.rtcpPlaintext)
    }

    @Test("RFC 3711 Appendix B.3 key derivation (reference KDF)")
    func keyDerivation() {
        let derive = { (label: UInt8, length: Int) in
            ReferenceCrypto.deriveSessionKey(masterKey: Self.cmMasterKey, masterSalt: Self.cmMasterSalt, label: label, length: length)
        }
        #expect(derive(0, 16) == hexBytes("C61E7A93744F39EE10734AFE3FF7A087"))  // cipher key
        #expect(derive(2, 14) == hexBytes("30CBBC08863D8C85D49DB34A9AE1"))  // cipher salt
        #expect(derive(1, 20) == hexBytes("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"))  // auth key
    }

    // RFC 7714 §16.1.1: session key, session salt ("Quid pro quo"), packet.
    static let rfc7714Key = hexBytes("000102030405060708090a0b0c0d0e0f")
    static let rfc7714Salt = hexBytes("517569642070726f2071756f")
    // Header 8040f17b 8041f8d3 5501a0b2; payload "Gallia est omnis divisa in partes tres".
    static let rfc7714Plaintext = hexBytes("""
        8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973
        20646976 69736120 696e2070 61727465 73207472 6573
        """)

    @Test("RFC 7714 §16.1.1 AEAD_AES_128_GCM vector (reference AEAD construction)")
    func rfc7714Vector() {
        let expected = hexBytes("""
            8040f17b 8041f8d3 5501a0b2
            f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a
            51c7d19b 36de3adf 8833
            899d7f27 beb16a91 52cf765e e4390cce
            """)  // header, ciphertext, 16-byte tag
        #expect(ReferenceCrypto.protectRTPWithGCM(sessionKey: Self.rfc7714Key, sessionSalt: Self.rfc7714Salt, packet: Self.rfc7714Plaintext) == expected)
    }

    /// libsrtp derives session keys from a master key, so the RFC 7714 vector
    /// (given in session keys) is checked through the reference: master key
    /// → RFC 3711 KDF (checked above) → RFC 7714 AEAD (checked above) must
    /// equal what the SRTPSession produces, byte for byte.
    @Test("SRTPSession AEAD_AES_128_GCM output equals RFC 7714 processing with RFC 3711 derived keys")
    func gcmMatchesRFC7714Construction() throws {
        let masterKey = Self.rfc7714Key
        let masterSalt = Self.rfc7714Salt
        let sessionKey = ReferenceCrypto.deriveSessionKey(masterKey: masterKey, masterSalt: masterSalt, label: 0, length: 16)
        let sessionSalt = ReferenceCrypto.deriveSessionKey(masterKey: masterKey, masterSalt: masterSalt, label: 2, length: 12)
        let expected = ReferenceCrypto.protectRTPWithGCM(sessionKey: sessionKey, sessionSalt: sessionSalt, packet: Self.rfc7714Plaintext)
        #expect(expected.count == Self.rfc7714Plaintext.count + 16)

        let session = try SRTPSession(profile: .aeadAES128GCM, masterKey: masterKey, masterSalt: masterSalt, direction: .outbound)
        var packet = Self.rfc7714Plaintext
        try session.protectRTP(&packet)
        #expect(packet == expected)
    }
}
