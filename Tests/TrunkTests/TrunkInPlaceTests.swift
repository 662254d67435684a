import Testing

@testable import Trunk

@Suite("Trunk in-place receive")
struct TrunkInPlaceTests {
    let mesh = TrunkSigningKey.generate()

    func established() throws -> PeerPair {
        var p = try PeerPair(makeIdentity("node-a", mesh: mesh), makeIdentity("node-b", mesh: mesh))
        p.establish()
        return p
    }

    @Test func dataFrameIsDecryptedWhereItLies() throws {
        var p = try established()
        let frame = dataFrame(sequence: 4, size: 1200)
        var datagram = try p.a.seal(.data(frame), now: p.now)
        let result = datagram.withUnsafeMutableBytes { p.b.receiveInPlace($0, now: p.now) }
        #expect(result.actions.isEmpty)
        #expect(result.dataHeader == frame.header)
        #expect(result.payload == 40..<1240)
        #expect(Array(datagram[result.payload]) == frame.payload)
    }

    @Test func dropsAndReplaysAreReported() throws {
        var p = try established()
        let good = try p.a.seal(.data(dataFrame(sequence: 1)), now: p.now)
        var flipped = good
        flipped[60] ^= 0x04
        let bad = flipped.withUnsafeMutableBytes { p.b.receiveInPlace($0, now: p.now) }
        #expect(bad.dataHeader == nil && bad.actions == [.drop(.auth, cause: .authenticationFailed)])
        var first = good
        #expect(first.withUnsafeMutableBytes { p.b.receiveInPlace($0, now: p.now) }.dataHeader != nil)
        var again = good
        let replay = again.withUnsafeMutableBytes { p.b.receiveInPlace($0, now: p.now) }
        #expect(replay.dataHeader == nil && replay.actions == [.drop(.replay, cause: .duplicateCounter)])
    }

    @Test func controlFramesTakeTheOrdinaryPath() throws {
        var p = try established()
        let message = TrunkControlMessage.unsubscribe(trackID: 3)
        var datagram = try p.a.seal(.control([message]), now: p.now)
        let original = datagram
        let result = datagram.withUnsafeMutableBytes { p.b.receiveInPlace($0, now: p.now) }
        #expect(result.dataHeader == nil)
        #expect(result.actions == [.deliver(.control([message]))])
        #expect(datagram == original)
    }

    @Test func firstDataFrameConfirmsTheResponder() throws {
        var p = try PeerPair(makeIdentity("node-a", mesh: mesh), makeIdentity("node-b", mesh: mesh))
        p.lose = { side, bytes in side == .a && bytes[1] == 0x11 }  // a's confirming ping is lost
        p.establish()
        #expect(p.b.state == .connecting)
        var datagram = try p.a.seal(.data(dataFrame(sequence: 2)), now: p.now)
        let result = datagram.withUnsafeMutableBytes { p.b.receiveInPlace($0, now: p.now) }
        #expect(result.actions == [.established])
        #expect(result.dataHeader != nil)
        #expect(p.b.state == .established)
    }

    @Test func endpointInPlace() throws {
        let a = try makeIdentity("node-a", mesh: mesh)
        let b = try makeIdentity("node-b", mesh: mesh)
        var p = try PeerPair(a, b)
        p.establish()
        var endpoint = TrunkEndpoint(local: b)
        // Hand the endpoint the established peer state.
        endpoint.peers[a.tag] = p.b
        endpoint.tags[a.nodeID] = a.tag
        var datagram = try p.a.seal(.data(dataFrame(sequence: 8)), now: p.now)
        let (peer, result) = datagram.withUnsafeMutableBytes { endpoint.receiveInPlace($0, now: p.now) }
        #expect(peer == a.nodeID)
        #expect(result.dataHeader == dataFrame(sequence: 8).header)
        var stranger = [UInt8](repeating: 0, count: 10)
        let (none, dropped) = stranger.withUnsafeMutableBytes { endpoint.receiveInPlace($0, now: p.now) }
        #expect(none == nil && drops(dropped.actions) == [.malformed])
    }
}
