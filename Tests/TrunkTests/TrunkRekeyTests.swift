import Testing

@testable import Trunk

@Suite("Trunk re-key and liveness")
struct TrunkRekeyTests {
    let mesh = TrunkSigningKey.generate()

    func pair(_ configure: (inout TrunkConfiguration) -> Void = { _ in }) throws -> PeerPair {
        var configuration = TrunkConfiguration()
        configure(&configuration)
        return try PeerPair(makeIdentity("node-a", mesh: mesh), makeIdentity("node-b", mesh: mesh), configuration: configuration)
    }

    /// Streams `count` frames each way, one per millisecond, delivering with
    /// one tick of delay (so frames are always in flight across a key switch).
    func stream(_ p: inout PeerPair, count: Int) throws {
        for i in 0..<count {
            try p.send(dataFrame(sequence: i), from: .a)
            try p.send(dataFrame(track: 2, sequence: i), from: .b)
            p.advance(.milliseconds(1))
            p.pump(hops: 1)
        }
        p.pump()
    }

    @Test func packetBudgetRekeysWithoutLosingAFrame() throws {
        var p = try pair { $0.rekeyAfterPackets = 100 }
        p.establish()
        let firstKey = try #require(p.a.currentSession?.keyID)
        try stream(&p, count: 1_000)
        #expect(deliveredData(p.seenB) == (0..<1_000).map { dataFrame(sequence: $0) })
        #expect(deliveredData(p.seenA) == (0..<1_000).map { dataFrame(track: 2, sequence: $0) })
        #expect(drops(p.seenA + p.seenB).isEmpty)
        let rekeysA = p.seenA.filter { if case .rekeyed = $0 { true } else { false } }.count
        #expect(rekeysA >= 9)
        #expect(p.a.currentSession?.keyID != firstKey)
        #expect(p.a.currentSession?.keyID == p.b.currentSession?.keyID)
        #expect(!p.seenA.contains(.peerDown) && !p.seenB.contains(.peerDown))
    }

    @Test func timeBudgetRekeysWithoutLosingAFrame() throws {
        var p = try pair { $0.rekeyAfterTime = .milliseconds(300) }
        p.establish()
        try stream(&p, count: 2_000)  // two seconds
        #expect(deliveredData(p.seenB).count == 2_000)
        #expect(deliveredData(p.seenA).count == 2_000)
        #expect(drops(p.seenA + p.seenB).isEmpty)
        let rekeys = p.seenA.filter { if case .rekeyed = $0 { true } else { false } }.count
        #expect((5...7).contains(rekeys), "\(rekeys) re-keys in 2 s with a 300 ms budget")
    }

    @Test func previousKeyIsAcceptedOnlyDuringGrace() throws {
        var p = try pair { $0.previousKeyGrace = .seconds(1) }
        p.establish()
        let oldFrame = try p.a.seal(.data(dataFrame(sequence: 1)), now: p.now)
        let olderFrame = try p.a.seal(.data(dataFrame(sequence: 2)), now: p.now)
        p.handle(p.b.startHandshake(now: p.now), at: .b)  // b re-keys
        p.pump()
        #expect(p.b.previous != nil)
        #expect(deliveredData(p.a.receive([], now: p.now)).isEmpty)
        #expect(deliveredData(p.b.receive(oldFrame, now: p.now)) == [dataFrame(sequence: 1)])
        p.advance(.milliseconds(1_100))
        #expect(p.b.previous == nil)
        #expect(p.b.receive(olderFrame, now: p.now) == [.drop(.auth, cause: .unknownKeyID)])
    }

    @Test func crossedRekeysConverge() throws {
        var p = try pair()
        p.establish()
        p.handle(p.a.startHandshake(now: p.now), at: .a)
        p.handle(p.b.startHandshake(now: p.now), at: .b)
        p.pump()
        #expect(p.a.pending == nil && p.b.pending == nil)
        #expect(p.a.currentSession?.keyID == p.b.currentSession?.keyID)
        try stream(&p, count: 10)
        #expect(deliveredData(p.seenB).count == 10 && deliveredData(p.seenA).count == 10)
    }

    @Test func silenceTakesThePeerDownOnceAndItComesBack() throws {
        var p = try pair()
        p.establish()
        p.lose = { _, _ in true }  // the link goes dark
        for _ in 0..<29 { p.advance(.milliseconds(100)) }
        #expect(!p.seenA.contains(.peerDown))
        for _ in 0..<3 { p.advance(.milliseconds(100)) }
        #expect(p.seenA.filter { $0 == .peerDown }.count == 1)
        #expect(p.seenB.filter { $0 == .peerDown }.count == 1)
        #expect(p.a.state == .connecting)
        #expect(throws: TrunkError.sessionNotEstablished) { try p.a.seal(.data(dataFrame(sequence: 0)), now: p.now) }
        for _ in 0..<30 { p.advance(.milliseconds(100)) }
        #expect(p.seenA.filter { $0 == .peerDown }.count == 1)  // no repeats while down
        // The link returns: the retransmitted handshakes bring the trunk back.
        p.lose = { _, _ in false }
        p.seenA.removeAll()
        p.advance(.milliseconds(300))
        p.pump()
        #expect(p.a.state == .established && p.b.state == .established)
        #expect(p.seenA.contains(.established))
    }

    @Test func pingsKeepAnIdleTrunkUp() throws {
        var p = try pair()
        p.establish()
        for _ in 0..<100 {
            p.advance(.milliseconds(100))
            p.pump()
        }
        #expect(!p.seenA.contains(.peerDown) && !p.seenB.contains(.peerDown))
        #expect(p.seenA.contains { if case .measurement = $0 { true } else { false } })
    }

    @Test func customPeerTimeout() throws {
        var p = try pair { $0.peerTimeout = .milliseconds(500) }
        p.establish()
        p.lose = { _, _ in true }
        for _ in 0..<6 { p.advance(.milliseconds(100)) }
        #expect(p.seenA.contains(.peerDown))
    }

    @Test func hardPacketLimitStopsSealing() throws {
        var p = try pair {
            $0.rekeyAfterPackets = 5
            $0.rejectAfterPackets = 10
        }
        p.establish()
        p.lose = { _, _ in true }  // the re-key can never complete
        var sealed = 0
        for _ in 0..<20 {
            guard (try? p.a.seal(.data(dataFrame(sequence: 0)), now: p.now)) != nil else { break }
            sealed += 1
        }
        #expect(sealed == 9)  // the confirming ping was the tenth
        #expect(throws: TrunkError.keyExhausted(keyID: p.a.currentSession?.keyID ?? 0)) {
            try p.a.seal(.data(dataFrame(sequence: 0)), now: p.now)
        }
    }

    @Test func remoteCredentialExpiryEndsTheTrunk() throws {
        let a = try makeIdentity("node-a", mesh: mesh)
        let b = try makeIdentity("node-b", mesh: mesh, validity: 10)
        var p = try PeerPair(a, b)
        p.establish()
        p.advance(.seconds(10))
        #expect(p.seenA.contains(.peerDown))
        #expect(p.a.state == .idle)
    }
}
