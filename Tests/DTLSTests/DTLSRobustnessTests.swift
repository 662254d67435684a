import Testing
@testable import DTLS

import Foundation

/// xorshift64*, so that "random" inputs are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
}

@Suite("DTLS robustness")
struct DTLSRobustnessTests {
    @Test("a lost server flight is recovered by the retransmission timer")
    func lostFlightRecovered() async throws {
        var configuration = DTLSEndpoint.Configuration()
        configuration.initialRetransmitTimeout = .milliseconds(20)
        let pair = try DTLSPair(endpointConfiguration: configuration)
        let clientHello = try pair.client.start()
        #expect(!clientHello.isEmpty)
        #expect(pair.client.timeUntilTimeout() != nil)
        // The server answers; the network drops the whole flight.
        let dropped = try clientHello.flatMap { try pair.server.receive($0) }
        #expect(!dropped.isEmpty)
        #expect(pair.client.state == .handshaking)

        // Wait for whichever timer fires first, let it retransmit, shuttle.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(5))
        var retransmissions = 0
        while pair.client.state != .connected || pair.server.state != .connected, clock.now < deadline {
            let next = [pair.client.nextTimeout(now: clock.now), pair.server.nextTimeout(now: clock.now)]
                .compactMap { $0 }.min() ?? clock.now.advanced(by: .milliseconds(10))
            try await Task.sleep(until: next, clock: clock)
            let fromClient = try pair.client.handleTimeout()
            let fromServer = try pair.server.handleTimeout()
            retransmissions += fromClient.count + fromServer.count
            var toClient = fromServer
            for datagram in fromClient { toClient += try pair.server.receive(datagram) }
            pair.shuttle(initial: toClient.flatMap { (try? pair.client.receive($0)) ?? [] })
        }
        #expect(retransmissions > 0)
        #expect(pair.client.state == .connected)
        #expect(pair.server.state == .connected)
        #expect(try pair.client.exportSRTPKeyingMaterial() == pair.server.exportSRTPKeyingMaterial())
    }

    @Test("random garbage is rejected with a typed error and changes nothing")
    func garbage() throws {
        let pair = try DTLSPair()
        var generator = SeededGenerator(state: 0x5EED_1234_ABCD_0001)
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...1500, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Half of the inputs look like DTLS at first glance.
            if length > 0, Bool.random(using: &generator) { bytes[0] = UInt8.random(in: 20...25, using: &generator) }
            if length > 1, Bool.random(using: &generator) { bytes[1] = 0xFE }
            do {
                _ = try pair.server.receive(bytes)
            } catch {
                // Only structural errors: OpenSSL never saw these bytes.
                guard case .malformedRecord = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
            }
        }
        #expect(pair.server.state == .new)
        // The endpoint still works.
        try pair.connect()
        #expect(pair.server.state == .connected)
    }

    static let aeadCipherSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
    ]

    /// OpenSSL 3.0 tears a connection down on an encrypted record shorter than
    /// the AEAD overhead; the endpoint filters those before OpenSSL sees them.
    @Test("well-framed junk records after the handshake never break the connection", arguments: aeadCipherSuites)
    func junkRecordsWhileConnected(cipherSuite: String) throws {
        var configuration = DTLSContext.Configuration()
        configuration.cipherList = cipherSuite
        let pair = try DTLSPair(contextConfiguration: configuration)
        try pair.connect()
        var generator = SeededGenerator(state: 42)
        for sequence in 0..<600 {
            // Every short length, then random ones.
            let fragmentLength = sequence < 100 ? sequence : Int.random(in: 0...300, using: &generator)
            let fragment = (0..<fragmentLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let type = UInt8.random(in: 20...23, using: &generator)
            let epoch = UInt8.random(in: 0...2, using: &generator)
            let header: [UInt8] = [type, 0xFE, 0xFD, 0, epoch, 0, 0, 0, 0, UInt8(sequence >> 8), UInt8(sequence & 0xFF),
                                   UInt8(fragmentLength >> 8), UInt8(fragmentLength & 0xFF)]
            do {
                _ = try pair.server.receive(header + fragment)
            } catch .malformedRecord {
                // Too short to be genuine: filtered.
                #expect(epoch != 0 && fragmentLength < 24)
            } catch {
                Issue.record("junk record \(sequence) type \(type) epoch \(epoch) length \(fragmentLength) raised \(error)")
                return
            }
        }
        #expect(pair.server.state == .connected)
        // Still usable.
        for datagram in try pair.client.send([1, 2, 3]) { _ = try pair.server.receive(datagram) }
        #expect(pair.server.takeApplicationData() == [[1, 2, 3]])
    }

    @Test("creating and destroying endpoints and handshakes does not leak")
    func noLeaks() throws {
        guard let certificates = DTLSPair.certificates else { Issue.record("no certificates"); return }
        let context = try DTLSContext(certificate: certificates.server)
        func round() throws {
            for _ in 0..<1_000 {
                let endpoint = try context.makeEndpoint(role: .client, expectedPeerFingerprints: [certificates.client.fingerprint])
                _ = try endpoint.start()
            }
            for _ in 0..<50 {
                let pair = try DTLSPair()
                try pair.connect()
                _ = try pair.client.exportSRTPKeyingMaterial()
            }
        }
        try round()  // warm-up: lazy OpenSSL tables, Swift metadata
        var growth: [Int] = []
        for _ in 0..<3 {
            let before = residentBytes()
            try round()
            growth.append(residentBytes() - before)
        }
        // A started SSL holds its record buffers (tens of kB): 1,050 leaked
        // ones would be tens of megabytes.
        // Other tests allocate in parallel, so judge by the quietest round.
        #expect(try #require(growth.min()) < 2 * 1024 * 1024, "RSS growth per round: \(growth)")
    }
}

/// Resident set size from /proc/self/statm (Linux), in bytes.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * 4096
}
