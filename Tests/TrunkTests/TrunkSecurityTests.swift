import Testing

@testable import Trunk

@Suite("Trunk drops")
struct TrunkSecurityTests {
    let mesh = TrunkSigningKey.generate()

    func established() throws -> PeerPair {
        var p = try PeerPair(makeIdentity("node-a", mesh: mesh), makeIdentity("node-b", mesh: mesh))
        p.establish()
        p.seenA.removeAll()
        p.seenB.removeAll()
        return p
    }

    func sealed(_ p: inout PeerPair, sequence: Int = 1) throws -> [UInt8] {
        try p.a.seal(.data(dataFrame(sequence: sequence)), now: p.now)
    }

    @Test func everyFlippedBitIsDropped() throws {
        var p = try established()
        let good = try sealed(&p)
        for bit in 0..<(good.count * 8) {
            var bad = good
            bad[bit / 8] ^= 1 << UInt8(bit % 8)
            let actions = p.b.receive(bad, now: p.now)
            #expect(deliveredData(actions).isEmpty, "bit \(bit) delivered")
            #expect(drops(actions).count == 1, "bit \(bit)")
            // A flipped counter may name one already seen (replay); past the header only authentication can catch it.
            if bit >= 16 * 8 { #expect(drops(actions) == [.auth] || (bit < 24 * 8 && drops(actions) == [.replay]), "bit \(bit)") }
            if bit >= 24 * 8 { #expect(drops(actions) == [.auth], "bit \(bit)") }
        }
        // The untouched frame still goes through: nothing above moved the replay window.
        #expect(deliveredData(p.b.receive(good, now: p.now)) == [dataFrame(sequence: 1)])
    }

    @Test func replayedDatagramIsDropped() throws {
        var p = try established()
        let frame = try sealed(&p)
        #expect(deliveredData(p.b.receive(frame, now: p.now)).count == 1)
        #expect(p.b.receive(frame, now: p.now) == [.drop(.replay, cause: .duplicateCounter)])
        #expect(p.b.statistics.drops[.replay] == 1)
    }

    @Test func reorderedFramesInsideTheWindowAreAccepted() throws {
        var p = try established()
        let frames = try (0..<50).map { try sealed(&p, sequence: $0) }
        for frame in frames.reversed() { #expect(deliveredData(p.b.receive(frame, now: p.now)).count == 1) }
        var late = try (0..<1100).map { try sealed(&p, sequence: $0) }
        let oldest = late.removeFirst()
        for frame in late { _ = p.b.receive(frame, now: p.now) }
        #expect(p.b.receive(oldest, now: p.now) == [.drop(.replay, cause: .counterTooOld)])
    }

    @Test func replayedInitIsDropped() throws {
        var p = try PeerPair(makeIdentity("node-a", mesh: mesh), makeIdentity("node-b", mesh: mesh))
        p.establish()
        let oldInit = p.wire[0].bytes
        // a re-keys: the new init carries a newer timestamp.
        p.handle(p.a.startHandshake(now: p.now.advanced(by: .seconds(1))), at: .a)
        p.pump()
        // The first init, replayed later, is stale.
        #expect(p.b.receive(oldInit, now: p.now) == [.drop(.replay, cause: .staleHandshake)])
    }

    @Test func credentialFromAnotherMeshIsDropped() throws {
        let otherMesh = TrunkSigningKey.generate()
        let good = try makeIdentity("node-b", mesh: mesh)
        // node-a's identity is signed by another mesh key; it believes node-b is in its mesh.
        let rogue = try makeIdentity("node-a", mesh: otherMesh)
        var roguePeer = try TrunkPeer(
            local: rogue,
            remote: MeshCredential.issue(
                nodeID: good.nodeID, regionID: good.regionID, staticKey: good.staticKey.publicKey, issuedAt: t0.unixSeconds,
                validitySeconds: 86_400, signingKey: otherMesh),
            now: t0)
        let rogueInit = try #require(sends(roguePeer.connect(now: t0)).first)
        // At an endpoint (node-a unknown)…
        var endpoint = TrunkEndpoint(local: good)
        #expect(endpoint.receive(rogueInit, now: t0) == [TrunkEvent(peer: nil, action: .drop(.unknownNode, cause: .wrongMeshKey))])
        #expect(endpoint.peerIDs.isEmpty)
        // …and at a peer that knows the genuine node-a.
        let genuineA = try makeIdentity("node-a", mesh: mesh)
        var peer = try TrunkPeer(local: good, remote: genuineA.credential, now: t0)
        #expect(peer.receive(rogueInit, now: t0) == [.drop(.unknownNode, cause: .wrongMeshKey)])
        #expect(peer.unconfirmed == nil)
    }

    @Test func expiredCredentialIsDropped() throws {
        let b = try makeIdentity("node-b", mesh: mesh, issuedAt: t0.unixSeconds - 200_000, validity: 400_000)
        // node-a's credential ran from t0 - 2 days to t0 - 1 day.
        let a = try makeIdentity("node-a", mesh: mesh, issuedAt: t0.unixSeconds - 172_800, validity: 86_400)
        var aPeer = try TrunkPeer(local: a, remote: b.credential, now: t0.settingUnix(t0.unixSeconds - 100_000))
        let expiredInit = try #require(sends(aPeer.connect(now: t0)).first)
        var endpoint = TrunkEndpoint(local: b)
        #expect(endpoint.receive(expiredInit, now: t0) == [TrunkEvent(peer: nil, action: .drop(.expiredCredential, cause: .credentialExpired))])
        #expect(endpoint.unattributedDrops[.expiredCredential] == 1)
        // A peer created while it was valid drops it too once it has expired.
        var bPeer = try TrunkPeer(local: b, remote: a.credential, now: t0.settingUnix(t0.unixSeconds - 100_000))
        #expect(bPeer.receive(expiredInit, now: t0) == [.drop(.expiredCredential, cause: .credentialExpired)])
        // And creating a peer for it now fails.
        #expect(throws: TrunkError.credentialExpired(notAfter: t0.unixSeconds - 86_400, now: t0.unixSeconds)) {
            try TrunkPeer(local: b, remote: a.credential, now: t0)
        }
    }

    @Test func forgedInitMACIsAnAuthDrop() throws {
        let b = try makeIdentity("node-b", mesh: mesh)
        let a = try makeIdentity("node-a", mesh: mesh)
        // An attacker with a's public credential but its own static key.
        let impostor = try MeshNodeIdentity.unchecked(credential: a.credential, staticKey: .generate(), meshKey: mesh.verifyingKey)
        var fake = try TrunkPeer(local: impostor, remote: b.credential, now: t0)
        let initBytes = try #require(sends(fake.connect(now: t0)).first)
        var endpoint = TrunkEndpoint(local: b)
        #expect(endpoint.receive(initBytes, now: t0) == [TrunkEvent(peer: nil, action: .drop(.auth, cause: .authenticationFailed))])
        #expect(endpoint.peerIDs.isEmpty)
    }

    @Test func framesFromUnknownNodesAreDropped() throws {
        var p = try established()
        let frame = try sealed(&p)
        let c = try makeIdentity("node-c", mesh: mesh)
        var endpoint = TrunkEndpoint(local: c)
        #expect(endpoint.receive(frame, now: p.now) == [TrunkEvent(peer: nil, action: .drop(.unknownNode, cause: .unknownSender))])
        #expect(endpoint.receive([0x80, 0x60], now: p.now).first?.action == .drop(.malformed, cause: .wire(.truncated(.frameHeader, needed: 24, available: 2))))
    }

    @Test func responseToNoInitIsDropped() throws {
        var p = try established()
        let response = try #require(p.wire.first { $0.from == .b }?.bytes)
        #expect(p.a.receive(response, now: p.now) == [.drop(.replay, cause: .unexpectedResponse)])
    }

    @Test func truncatedSealedFrameIsMalformed() throws {
        var p = try established()
        let frame = try sealed(&p)
        #expect(drops(p.b.receive(Array(frame.prefix(30)), now: p.now)) == [.malformed])
    }
}

extension TrunkTime {
    /// The same monotonic reading with another wall-clock second.
    func settingUnix(_ seconds: UInt64) -> TrunkTime {
        TrunkTime(monotonicNanoseconds: monotonicNanoseconds, unixMicroseconds: seconds * 1_000_000)
    }
}

extension MeshNodeIdentity {
    /// An identity whose key does not match its credential (attacker model only).
    static func unchecked(credential: MeshCredential, staticKey: TrunkX25519PrivateKey, meshKey: TrunkVerifyingKey) throws
        -> MeshNodeIdentity
    {
        try MeshNodeIdentity(uncheckedCredential: credential, staticKey: staticKey, meshKey: meshKey)
    }
}
