import Testing
@testable import DTLS

@Suite("DTLS handshake")
struct DTLSHandshakeTests {
    @Test("two endpoints connect, agree on AEAD_AES_128_GCM and export the same keys")
    func handshakeAndKeyExport() throws {
        let pair = try DTLSPair()
        #expect(pair.client.state == .new)
        try pair.connect()
        #expect(pair.client.state == .connected)
        #expect(pair.server.state == .connected)
        #expect(pair.client.srtpProfile == .aeadAES128GCM)
        #expect(pair.server.srtpProfile == .aeadAES128GCM)

        let clientKeys = try pair.client.exportSRTPKeyingMaterial()
        let serverKeys = try pair.server.exportSRTPKeyingMaterial()
        #expect(clientKeys == serverKeys)
        // AEAD_AES_128_GCM: 16-byte master key, 12-byte master salt (RFC 7714 §14.2).
        #expect(clientKeys.client.key.count == 16)
        #expect(clientKeys.client.salt.count == 12)
        #expect(clientKeys.client != clientKeys.server)
        // What the client writes with is what the server reads with.
        #expect(clientKeys.localKeys(for: .client) == serverKeys.remoteKeys(for: .server))
        #expect(clientKeys.remoteKeys(for: .client) == serverKeys.localKeys(for: .server))
    }

    @Test(
        "the server's preference decides among profiles both sides support",
        arguments: [
            ([DTLSSRTPProfile.aes128CMHMACSHA1_80], DTLSSRTPProfile.defaultPreference, DTLSSRTPProfile.aes128CMHMACSHA1_80, 16, 14),
            ([.aeadAES256GCM, .aeadAES128GCM], [.aeadAES256GCM, .aes128CMHMACSHA1_80], .aeadAES256GCM, 32, 12),
            (DTLSSRTPProfile.defaultPreference, [.aes128CMHMACSHA1_80, .aeadAES128GCM], .aes128CMHMACSHA1_80, 16, 14),
        ])
    func profileNegotiation(
        client: [DTLSSRTPProfile], server: [DTLSSRTPProfile], expected: DTLSSRTPProfile, keyLength: Int, saltLength: Int
    ) throws {
        let pair = try DTLSPair(clientProfiles: client, serverProfiles: server)
        try pair.connect()
        #expect(pair.client.srtpProfile == expected)
        let keys = try pair.server.exportSRTPKeyingMaterial()
        #expect(keys.profile == expected)
        #expect(keys.server.key.count == keyLength)
        #expect(keys.server.salt.count == saltLength)
        #expect(try pair.client.exportSRTPKeyingMaterial() == keys)
    }

    @Test("no common SRTP profile fails the handshake with noSRTPProfile")
    func noCommonProfile() throws {
        let pair = try DTLSPair(clientProfiles: [.aeadAES256GCM], serverProfiles: [.aes128CMHMACSHA1_80])
        let result = pair.shuttle(initial: try pair.client.start())
        #expect(result.clientError == .noSRTPProfile)
        #expect(pair.client.state == .failed(.noSRTPProfile))
        #expect(throws: DTLSError.notConnected) { try pair.client.exportSRTPKeyingMaterial() }
    }

    @Test("the client rejects a server whose certificate does not match its SDP fingerprint")
    func clientFingerprintMismatch() throws {
        let wrong = try DTLSFingerprint(algorithm: .sha256, bytes: [UInt8](repeating: 0xAB, count: 32))
        let pair = try DTLSPair(clientExpects: [wrong])
        let result = pair.shuttle(initial: try pair.client.start())
        #expect(result.clientError == .fingerprintMismatch)
        #expect(pair.client.state == .failed(.fingerprintMismatch))
        // The bad_certificate alert reached the server, which fails too.
        #expect(pair.server.state != .connected)
    }

    @Test("the server rejects a client whose certificate does not match its SDP fingerprint")
    func serverFingerprintMismatch() throws {
        let pair = try DTLSPair(serverExpects: [unrelatedFingerprint()])
        let result = pair.shuttle(initial: try pair.client.start())
        #expect(result.serverError == .fingerprintMismatch)
        #expect(pair.server.state == .failed(.fingerprintMismatch))
        #expect(pair.client.state != .connected)
        #expect(throws: DTLSError.endpointFinished) { try pair.server.receive([22, 0xFE, 0xFD] + [UInt8](repeating: 0, count: 10)) }
    }

    /// RFC 8122 §5: only fingerprints with the strongest offered hash count.
    @Test("fingerprint sets are checked with the strongest hash function offered")
    func strongestAlgorithmDecides() throws {
        guard let certificates = DTLSPair.certificates else { Issue.record("no certificates"); return }
        let server = certificates.server
        let wrong256 = try DTLSFingerprint(algorithm: .sha256, bytes: [UInt8](repeating: 1, count: 32))
        let wrong512 = try DTLSFingerprint(algorithm: .sha512, bytes: [UInt8](repeating: 1, count: 64))
        // aiortc style: all three, all right.
        let all = try DTLSPair(clientExpects: [server.fingerprint(.sha256), server.fingerprint(.sha384), server.fingerprint(.sha512)])
        try all.connect()
        #expect(all.client.state == .connected)
        // Wrong sha-256 ignored because a right sha-512 is present.
        let strongRight = try DTLSPair(clientExpects: [wrong256, server.fingerprint(.sha512)])
        try strongRight.connect()
        #expect(strongRight.client.state == .connected)
        // Right sha-256 does not rescue a wrong sha-512.
        let strongWrong = try DTLSPair(clientExpects: [server.fingerprint(.sha256), wrong512])
        let result = strongWrong.shuttle(initial: try strongWrong.client.start())
        #expect(result.clientError == .fingerprintMismatch)
    }

    @Test("application data and close_notify cross the connection")
    func applicationDataAndClose() throws {
        let pair = try DTLSPair()
        try pair.connect()
        let payload: [UInt8] = Array("hello over DTLS".utf8)
        for datagram in try pair.client.send(payload) {
            #expect(try pair.server.receive(datagram).isEmpty)
        }
        #expect(pair.server.takeApplicationData() == [payload])
        #expect(pair.server.takeApplicationData().isEmpty)

        let closeNotify = pair.client.close()
        #expect(pair.client.state == .closed)
        #expect(closeNotify.count == 1)
        for datagram in closeNotify {
            _ = try pair.server.receive(datagram)
        }
        #expect(pair.server.state == .closed)
        #expect(throws: DTLSError.notConnected) { try pair.client.send(payload) }
    }

    @Test("idle connections release their record buffers and still write, retransmit and close")
    func releasedBuffers() throws {
        let pair = try DTLSPair()
        try pair.connect()
        // The last datagram each side handled left it idle: buffers released.
        #expect(pair.client.buffersReleased || pair.server.buffersReleased)
        for endpoint in [pair.client, pair.server] {
            endpoint.releaseIdleBuffers()
            #expect(endpoint.buffersReleased)
            #expect(try endpoint.handleTimeout().isEmpty)  // no timer runs: nothing to resend
            #expect(endpoint.buffersReleased)
        }
        for round in 0..<3 {
            let payload = Array("round \(round)".utf8)
            for datagram in try pair.client.send(payload) {
                #expect(try pair.server.receive(datagram).isEmpty)
            }
            #expect(pair.server.takeApplicationData() == [payload])
            #expect(pair.client.buffersReleased && pair.server.buffersReleased)
        }
        for datagram in pair.server.close() {
            _ = try pair.client.receive(datagram)
        }
        #expect(pair.client.state == .closed && pair.server.state == .closed)
    }

    @Test("a small MTU fragments the certificate flight into datagrams within the MTU")
    func smallMTU() throws {
        var configuration = DTLSEndpoint.Configuration()
        configuration.mtu = 300
        let pair = try DTLSPair(endpointConfiguration: configuration)
        let wire = DTLSPair.Wire()
        let result = pair.shuttle(initial: try pair.client.start(), wire: wire)
        #expect(result.clientError == nil && result.serverError == nil)
        #expect(pair.client.state == .connected && pair.server.state == .connected)
        let all = wire.toServer + wire.toClient
        #expect(all.allSatisfy { $0.count <= 300 })
        // The server flight (ServerHello, Certificate, ...) needs several datagrams.
        #expect(wire.toClient.count > 2)
    }

    @Test("default MTU: a flight of several records is packed, each datagram at most 1200 bytes")
    func defaultMTUPacking() throws {
        let pair = try DTLSPair()
        let wire = DTLSPair.Wire()
        pair.shuttle(initial: try pair.client.start(), wire: wire)
        #expect(pair.server.state == .connected)
        for datagram in wire.toServer + wire.toClient {
            #expect(datagram.count <= 1200)
            let records = try datagram.withUnsafeBytes { raw in try DTLSRecordLayer.validate(raw) }
            #expect(records >= 1)
        }
        // The server's first flight (ServerHello, Certificate, ServerKeyExchange,
        // CertificateRequest, ServerHelloDone) fits one datagram as several records.
        let firstServerFlight = try #require(wire.toClient.first)
        let count = try firstServerFlight.withUnsafeBytes { raw in try DTLSRecordLayer.validate(raw) }
        #expect(count >= 4)
    }

    @Test("invalid endpoint configurations are rejected")
    func invalidConfiguration() throws {
        guard let certificates = DTLSPair.certificates else { Issue.record("no certificates"); return }
        let context = try DTLSContext(certificate: certificates.server)
        #expect(throws: DTLSError.noExpectedFingerprints) {
            try context.makeEndpoint(role: .server, expectedPeerFingerprints: [])
        }
        var tiny = DTLSEndpoint.Configuration()
        tiny.mtu = 100
        #expect(throws: DTLSError.self) {
            try context.makeEndpoint(role: .server, expectedPeerFingerprints: [certificates.client.fingerprint], configuration: tiny)
        }
        var noProfiles = DTLSContext.Configuration()
        noProfiles.srtpProfiles = []
        #expect(throws: DTLSError.self) { try DTLSContext(certificate: certificates.server, configuration: noProfiles) }
    }
}

/// A valid-looking fingerprint of no certificate in play.
private func unrelatedFingerprint() throws -> DTLSFingerprint {
    try DTLSFingerprint(algorithm: .sha256, bytes: [UInt8](repeating: 0x5A, count: 32))
}
