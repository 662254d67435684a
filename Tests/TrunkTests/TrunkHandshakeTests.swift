import Testing

@testable import Trunk

@Suite("Trunk handshake")
struct TrunkHandshakeTests {
    let mesh = TrunkSigningKey.generate()

    /// "node-a" < "node-b": a wins crossed inits.
    func pair(configuration: TrunkConfiguration = .init()) throws -> PeerPair {
        try PeerPair(makeIdentity("node-a", mesh: mesh), makeIdentity("node-b", region: "us-east", mesh: mesh), configuration: configuration)
    }

    @Test(arguments: [PeerPair.Side.a, .b])
    func eitherSideCanInitiate(first: PeerPair.Side) throws {
        var p = try pair()
        p.establish(from: first)
        #expect(p.a.state == .established)
        #expect(p.b.state == .established)
        #expect(p.seenA.contains(.established) && p.seenB.contains(.established))
        let keyA = try #require(p.a.currentSession)
        let keyB = try #require(p.b.currentSession)
        #expect(keyA.keyID == keyB.keyID)
        #expect(keyA.cipher == keyB.cipher)
        #expect(p.a.current?.role == (first == .a ? .initiator : .responder))
        // init, response, the initiator's confirming ping and its pong: four datagrams.
        #expect(p.wire.count == 4)
    }

    @Test func dataFlowsBothWays() throws {
        var p = try pair()
        p.establish()
        for i in 0..<20 {
            try p.send(dataFrame(sequence: i), from: .a)
            try p.send(dataFrame(track: 9, sequence: 100 + i, size: 1200), from: .b)
        }
        p.pump()
        #expect(deliveredData(p.seenB) == (0..<20).map { dataFrame(sequence: $0) })
        #expect(deliveredData(p.seenA) == (0..<20).map { dataFrame(track: 9, sequence: 100 + $0, size: 1200) })
        #expect(drops(p.seenA + p.seenB).isEmpty)
        #expect(p.a.statistics.framesSent >= 20 && p.b.statistics.framesReceived >= 20)
    }

    @Test func controlMessagesAreDeliveredPingsAreNot() throws {
        var p = try pair()
        p.establish()
        let messages: [TrunkControlMessage] = [
            .subscribe(TrunkSubscribe(trackID: 1, layers: 0b11, name: "room/cam")),
            .ping(TrunkPing(sequence: 77, sentAt: 5)),
            .pictureLossIndication(trackID: 1, layer: 0),
        ]
        p.handle([.send(try p.a.seal(.control(messages), now: p.now))], at: .a)
        p.pump()
        #expect(p.seenB.contains(.deliver(.control([messages[0], messages[2]]))))
    }

    @Test func simultaneousOpenConvergesOnTheLowerNodesInit() throws {
        var p = try pair()
        p.connect(.a)
        p.connect(.b)
        #expect(p.queue.count == 2)  // both inits in flight
        p.pump()
        #expect(p.a.state == .established && p.b.state == .established)
        #expect(p.a.current?.role == .initiator)
        #expect(p.b.current?.role == .responder)
        #expect(p.a.currentSession?.keyID == p.b.currentSession?.keyID)
        #expect(p.b.pending == nil)
        #expect(drops(p.seenA + p.seenB).isEmpty)
        try p.send(dataFrame(sequence: 1), from: .b)
        p.pump()
        #expect(deliveredData(p.seenA) == [dataFrame(sequence: 1)])
    }

    @Test func lostInitIsRetransmitted() throws {
        var p = try pair()
        p.lose = { side, bytes in side == .a && bytes.count > 1 && bytes[1] == 0x01 && bytes.count > 0 }
        p.connect(.a)
        p.pump()
        #expect(p.a.state == .connecting)
        let firstInit = p.wire[0].bytes
        p.lose = { _, _ in false }
        p.advance(.milliseconds(100))
        #expect(p.queue.isEmpty)  // not yet
        p.advance(.milliseconds(200))
        #expect(p.queue.count == 1 && p.queue[0].bytes == firstInit)  // same bytes re-sent
        p.pump()
        #expect(p.a.state == .established && p.b.state == .established)
    }

    @Test func lostResponseIsAnsweredAgainFromCache() throws {
        var p = try pair()
        p.lose = { side, _ in side == .b }
        p.connect(.a)
        p.pump()
        #expect(p.b.unconfirmed != nil)
        p.lose = { _, _ in false }
        p.advance(.milliseconds(300))  // a re-sends the identical init
        p.pump()
        #expect(p.a.state == .established && p.b.state == .established)
        #expect(drops(p.seenA + p.seenB).isEmpty)
    }

    @Test func unansweredInitIsRenewed() throws {
        var p = try pair()
        p.lose = { _, _ in true }
        p.connect(.a)
        let first = try #require(p.a.pending)
        p.advance(.seconds(5))
        let renewed = try #require(p.a.pending)
        #expect(renewed.keyID != first.keyID)
        #expect(renewed.timestamp > first.timestamp)
        #expect(renewed.bytes != first.bytes)
    }

    @Test func sealBeforeEstablishmentThrows() throws {
        var p = try pair()
        #expect(throws: TrunkError.sessionNotEstablished) { try p.a.seal(.data(dataFrame(sequence: 0)), now: t0) }
        p.connect(.a)
        #expect(throws: TrunkError.sessionNotEstablished) { try p.a.seal(.data(dataFrame(sequence: 0)), now: t0) }
        // The responder cannot send until the initiator's first frame confirms the session.
        p.pump(hops: 1)
        #expect(p.b.state == .connecting)
        #expect(throws: TrunkError.sessionNotEstablished) { try p.b.seal(.data(dataFrame(sequence: 0)), now: t0) }
    }

    @Test func pingsMeasureRoundTripAndOneWayDelay() throws {
        var p = try pair()
        p.establish()
        p.seenA.removeAll()
        // 40 ms each way: tick a's ping, deliver after 40 ms, pong back after 40 ms more.
        p.advance(.milliseconds(500))
        p.queue.removeAll { $0.to == .a }  // keep only a's ping
        p.now = p.now.advanced(by: .milliseconds(40))
        p.pump(hops: 1)
        p.now = p.now.advanced(by: .milliseconds(40))
        p.pump(hops: 1)
        let measurement = try #require(
            p.seenA.compactMap { if case .measurement(let m) = $0 { m } else { nil } }.first)
        #expect(measurement.roundTripMicroseconds == 80_000)
        #expect(measurement.forwardOneWayMicroseconds == 40_000)
        #expect(measurement.reverseOneWayMicroseconds == 40_000)
    }

    @Test(arguments: [TrunkCipher.aes256gcm, .xchacha20poly1305])
    func cipherNegotiation(cipher: TrunkCipher) throws {
        guard cipher.isAvailable else { return }
        var onlyOne = TrunkConfiguration()
        onlyOne.ciphers = [cipher]
        var p = try PeerPair(
            makeIdentity("node-a", mesh: mesh), makeIdentity("node-b", mesh: mesh), configuration: onlyOne)
        p.establish()
        #expect(p.a.currentSession?.cipher == cipher)
        try p.send(dataFrame(sequence: 3), from: .a)
        p.pump()
        #expect(deliveredData(p.seenB) == [dataFrame(sequence: 3)])
    }

    @Test func noCommonCipherIsAnAuthDrop() throws {
        guard TrunkCipher.aes256gcm.isAvailable else { return }
        var aesOnly = TrunkConfiguration()
        aesOnly.ciphers = [.aes256gcm]
        var chachaOnly = TrunkConfiguration()
        chachaOnly.ciphers = [.xchacha20poly1305]
        let idA = try makeIdentity("node-a", mesh: mesh)
        let idB = try makeIdentity("node-b", mesh: mesh)
        var a = try TrunkPeer(local: idA, remote: idB.credential, configuration: aesOnly, now: t0)
        var b = try TrunkPeer(local: idB, remote: idA.credential, configuration: chachaOnly, now: t0)
        let initBytes = try #require(sends(a.connect(now: t0)).first)
        #expect(b.receive(initBytes, now: t0) == [.drop(.auth, cause: .noCommonCipher)])
    }
}
