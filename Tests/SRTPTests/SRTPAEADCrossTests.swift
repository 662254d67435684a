import Testing
@testable import SRTP

/// The OpenSSL AEAD implementation against libsrtp: the same keys must give
/// byte-identical SRTP/SRTCP (AES-GCM is deterministic for a given IV), and
/// each side must accept what the other protected.
@Suite("SRTP AEAD: OpenSSL implementation against libsrtp")
struct SRTPAEADCrossTests {
    static let aeadProfiles: [SRTPProtectionProfile] = [.aeadAES128GCM, .aeadAES256GCM]

    static func pair(
        _ profile: SRTPProtectionProfile, sender: SRTPSession.AEADImplementation, receiver: SRTPSession.AEADImplementation
    ) throws -> (SRTPSession, SRTPSession) {
        let key = (0..<profile.masterKeyLength).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 3) }
        let salt = (0..<profile.masterSaltLength).map { UInt8(truncatingIfNeeded: $0 &* 17 &+ 9) }
        var senderConfiguration = SRTPSession.Configuration()
        senderConfiguration.aeadImplementation = sender
        var receiverConfiguration = SRTPSession.Configuration()
        receiverConfiguration.aeadImplementation = receiver
        return (
            try SRTPSession(profile: profile, masterKey: key, masterSalt: salt, direction: .outbound,
                            configuration: senderConfiguration),
            try SRTPSession(profile: profile, masterKey: key, masterSalt: salt, direction: .inbound,
                            configuration: receiverConfiguration)
        )
    }

    /// RTP with 2 CSRCs and a one-byte header extension (RFC 8285), which all belong to the AAD.
    static func richPacket(sequence: UInt16, ssrc: UInt32, payloadLength: Int) -> [UInt8] {
        var packet: [UInt8] = [0x92, 0xE0 & 0x7F | 0x80, UInt8(sequence >> 8), UInt8(sequence & 0xFF),
                               0x00, 0x01, 0xE2, 0x40,
                               UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)]
        packet += [0xAA, 0xAA, 0xAA, 0x01, 0xBB, 0xBB, 0xBB, 0x02]  // two CSRCs
        packet += [0xBE, 0xDE, 0x00, 0x01, 0x10, 0x7F, 0x00, 0x00]  // extension: id 1, audio level
        packet += (0..<payloadLength).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(sequence)) }
        return packet
    }

    @Test("identical SRTP output across a sequence-number wrap (ROC 0 → 1)", arguments: aeadProfiles)
    func identicalRTP(profile: SRTPProtectionProfile) throws {
        let (native, _) = try Self.pair(profile, sender: .openSSL, receiver: .openSSL)
        let (library, libraryReceiver) = try Self.pair(profile, sender: .libsrtp, receiver: .libsrtp)
        let (_, nativeReceiver) = try Self.pair(profile, sender: .libsrtp, receiver: .openSSL)
        // 65,000 → 65,535 → 0 → 463: the index starts past 2^15 (ROC 0, estimation active) and wraps to ROC 1.
        var sequence: UInt16 = 65_000
        for step in 0..<1_000 {
            let original = Self.richPacket(sequence: sequence, ssrc: 0xCAFE_F00D, payloadLength: step % 7 == 0 ? 0 : 200 + step % 900)
            var a = original
            var b = original
            try native.protectRTP(&a)
            try library.protectRTP(&b)
            #expect(a == b, "sequence \(sequence)")
            if a != b { return }
            var c = a
            try libraryReceiver.unprotectRTP(&a)
            try nativeReceiver.unprotectRTP(&c)
            #expect(a == original && c == original)
            sequence &+= 1
        }
    }

    @Test("identical SRTCP output; each side unprotects the other's", arguments: aeadProfiles)
    func identicalRTCP(profile: SRTPProtectionProfile) throws {
        let (native, nativeReceiver) = try Self.pair(profile, sender: .openSSL, receiver: .openSSL)
        let (library, libraryReceiver) = try Self.pair(profile, sender: .libsrtp, receiver: .libsrtp)
        // Sender report + SDES-less compound with a NACK (RFC 4585) from SSRC 0x01020304.
        let compound: [UInt8] = [0x80, 201, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04,
                                 0x81, 205, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04, 0x0A, 0x0B, 0x0C, 0x0D, 0x00, 0x10, 0x00, 0x05]
        for _ in 0..<50 {
            var a = compound
            var b = compound
            try native.protectRTCP(&a)
            try library.protectRTCP(&b)
            #expect(a == b)
            var c = a
            try libraryReceiver.unprotectRTCP(&a)
            try nativeReceiver.unprotectRTCP(&c)
            #expect(a == compound && c == compound)
        }
    }

    @Test("OpenSSL inbound: replay, too old, flipped bits and short packets are refused", arguments: aeadProfiles)
    func inboundChecks(profile: SRTPProtectionProfile) throws {
        let (sender, receiver) = try Self.pair(profile, sender: .libsrtp, receiver: .openSSL)
        var protected: [[UInt8]] = []
        for sequence in UInt16(1)...1_200 {
            var packet = Self.richPacket(sequence: sequence, ssrc: 7, payloadLength: 100)
            try sender.protectRTP(&packet)
            protected.append(packet)
        }
        var first = protected[0]
        try receiver.unprotectRTP(&first)
        var again = protected[0]
        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTP(&again) }
        for index in 1..<protected.count { var packet = protected[index]; try receiver.unprotectRTP(&packet) }
        var old = protected[100]  // 1,100 behind the highest: outside the 1,024 window
        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTP(&old) }
        // A fresh packet with one bit flipped anywhere after the header fails authentication…
        var fresh = Self.richPacket(sequence: 1_201, ssrc: 7, payloadLength: 100)
        try sender.protectRTP(&fresh)
        for bit in stride(from: 28 * 8, to: fresh.count * 8, by: 37) {
            var tampered = fresh
            tampered[bit / 8] ^= UInt8(1 << (bit % 8))
            #expect(throws: SRTPError.authenticationFailed) { try receiver.unprotectRTP(&tampered) }
        }
        // …and does not consume its index: the genuine packet still gets through.
        try receiver.unprotectRTP(&fresh)
        var short: [UInt8] = Array(Self.richPacket(sequence: 2_000, ssrc: 7, payloadLength: 0).prefix(36))
        #expect(throws: SRTPError.self) { try receiver.unprotectRTP(&short) }
        var shortRTCP: [UInt8] = [0x80, 201, 0, 1, 0, 0, 0, 7, 0x80, 0, 0, 1]
        #expect(throws: SRTPError.self) { try receiver.unprotectRTCP(&shortRTCP) }
    }

    @Test("unencrypted SRTCP (E = 0) authenticates the whole packet")
    func unencryptedRTCP() throws {
        // Built by hand per RFC 7714 §9.2 with the reference AES-GCM: the OpenSSL receiver must accept it.
        let profile = SRTPProtectionProfile.aeadAES128GCM
        let key = (0..<16).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 3) }
        let salt = (0..<12).map { UInt8(truncatingIfNeeded: $0 &* 17 &+ 9) }
        let sessionKey = ReferenceCrypto.deriveSessionKey(masterKey: key, masterSalt: salt, label: 3, length: 16)
        let sessionSalt = ReferenceCrypto.deriveSessionKey(masterKey: key, masterSalt: salt, label: 5, length: 12)
        let rtcp: [UInt8] = [0x80, 201, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04]
        let indexWord: [UInt8] = [0x00, 0x00, 0x00, 0x05]  // E = 0, index 5
        var iv: [UInt8] = [0, 0, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0, 0, 5]
        for index in 0..<12 { iv[index] ^= sessionSalt[index] }
        let sealed = ReferenceCrypto.aesGCM(key: sessionKey, iv: iv, aad: rtcp + indexWord, plaintext: [])
        var packet = rtcp + sealed + indexWord
        var configuration = SRTPSession.Configuration()
        configuration.aeadImplementation = .openSSL
        let receiver = try SRTPSession(profile: profile, masterKey: key, masterSalt: salt, direction: .inbound,
                                       configuration: configuration)
        var tampered = packet
        tampered[5] ^= 1
        #expect(throws: SRTPError.authenticationFailed) { try receiver.unprotectRTCP(&tampered) }
        try receiver.unprotectRTCP(&packet)
        #expect(packet == rtcp)
    }
}
