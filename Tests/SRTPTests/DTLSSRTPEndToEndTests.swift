import DTLS
import Testing
@testable import SRTP

/// DTLS handshake in memory, then SRTP keyed from its exporter.
@Suite("DTLS-SRTP end to end")
struct DTLSSRTPEndToEndTests {
    /// Runs a handshake between two fresh endpoints offering `profiles`.
    static func connectedPair(profiles: [DTLSSRTPProfile]) throws -> (client: DTLSEndpoint, server: DTLSEndpoint) {
        let clientCertificate = try DTLSCertificate.generate(commonName: "client")
        let serverCertificate = try DTLSCertificate.generate(commonName: "server")
        var configuration = DTLSContext.Configuration()
        configuration.srtpProfiles = profiles
        let client = try DTLSContext(certificate: clientCertificate, configuration: configuration)
            .makeEndpoint(role: .client, expectedPeerFingerprints: [serverCertificate.fingerprint])
        let server = try DTLSContext(certificate: serverCertificate, configuration: configuration)
            .makeEndpoint(role: .server, expectedPeerFingerprints: [clientCertificate.fingerprint])
        var toServer = try client.start()
        for _ in 0..<10 where !toServer.isEmpty {
            var toClient: [[UInt8]] = []
            for datagram in toServer { toClient += try server.receive(datagram) }
            toServer = []
            for datagram in toClient { toServer += try client.receive(datagram) }
        }
        return (client, server)
    }

    /// What the SFU does once a transport's DTLS handshake completes.
    static func sessions(for endpoint: DTLSEndpoint) throws -> SRTPSessionPair {
        let material = try endpoint.exportSRTPKeyingMaterial()
        let local = material.localKeys(for: endpoint.role)
        let remote = material.remoteKeys(for: endpoint.role)
        return try SRTPSessionPair(
            profileID: material.profile.rawValue,
            localMasterKey: local.key, localMasterSalt: local.salt,
            remoteMasterKey: remote.key, remoteMasterSalt: remote.salt)
    }

    @Test(
        "handshake, export, and media both ways",
        arguments: [
            (DTLSSRTPProfile.defaultPreference, SRTPProtectionProfile.aeadAES128GCM),
            ([.aeadAES256GCM], .aeadAES256GCM),
            ([.aes128CMHMACSHA1_80], .aes128CMHMACSHA1_80),
        ])
    func endToEnd(offered: [DTLSSRTPProfile], expected: SRTPProtectionProfile) throws {
        let (client, server) = try Self.connectedPair(profiles: offered)
        #expect(client.state == .connected && server.state == .connected)
        let clientSessions = try Self.sessions(for: client)
        let serverSessions = try Self.sessions(for: server)
        #expect(clientSessions.outbound.profile == expected)
        #expect(serverSessions.inbound.profile == expected)

        for sequence in UInt16(1)...20 {
            // Client (browser) publishes: server unprotects.
            let upstream = rtpPacket(sequence: sequence, ssrc: 0xAAAA_0001)
            var packet = upstream
            try clientSessions.outbound.protectRTP(&packet)
            try serverSessions.inbound.unprotectRTP(&packet)
            #expect(packet == upstream)
            // Server (SFU) forwards: client unprotects.
            let downstream = rtpPacket(sequence: sequence &+ 1000, ssrc: 0xBBBB_0002)
            packet = downstream
            try serverSessions.outbound.protectRTP(&packet)
            try clientSessions.inbound.unprotectRTP(&packet)
            #expect(packet == downstream)
        }
        var rtcp = receiverReport
        try serverSessions.outbound.protectRTCP(&rtcp)
        try clientSessions.inbound.unprotectRTCP(&rtcp)
        #expect(rtcp == receiverReport)

        // A side's own outbound keys do not open its own packets: directions differ.
        var reflected = rtpPacket(sequence: 500, ssrc: 0xCCCC_0003)
        try serverSessions.outbound.protectRTP(&reflected)
        #expect(throws: SRTPError.authenticationFailed) { try serverSessions.inbound.unprotectRTP(&reflected) }
    }

    @Test("both DTLS and SRTP profile enums use the same IANA code points")
    func profileCodePoints() {
        for profile in DTLSSRTPProfile.allCases {
            let srtp = SRTPProtectionProfile(rawValue: profile.rawValue)
            #expect(srtp != nil)
            #expect(srtp?.masterKeyLength == profile.masterKeyLength)
            #expect(srtp?.masterSaltLength == profile.masterSaltLength)
        }
        #expect(SRTPProtectionProfile.allCases.count == DTLSSRTPProfile.allCases.count)
    }
}
