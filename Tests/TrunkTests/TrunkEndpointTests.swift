import Testing

@testable import Trunk

@Suite("Trunk endpoint")
struct TrunkEndpointTests {
    let mesh = TrunkSigningKey.generate()

    /// Delivers every send event between endpoints until quiet; returns the non-send events per endpoint.
    func exchange(_ endpoints: inout [TrunkEndpoint], _ initial: [(Int, [TrunkEvent])], now: TrunkTime) -> [[TrunkEvent]] {
        var seen = [[TrunkEvent]](repeating: [], count: endpoints.count)
        var queue: [(to: Int, bytes: [UInt8])] = []
        let index = Dictionary(uniqueKeysWithValues: endpoints.enumerated().map { ($1.local.nodeID, $0) })
        func route(_ from: Int, _ events: [TrunkEvent]) {
            for event in events {
                if case .send(let bytes) = event.action, let peer = event.peer, let to = index[peer] {
                    queue.append((to, bytes))
                } else {
                    seen[from].append(event)
                }
            }
        }
        for (from, events) in initial { route(from, events) }
        while !queue.isEmpty {
            let (to, bytes) = queue.removeFirst()
            route(to, endpoints[to].receive(bytes, now: now))
        }
        return seen
    }

    @Test func threeNodesFullMesh() throws {
        let ids = try ["eu-1", "us-1", "ap-1"].map { try makeIdentity($0, mesh: mesh) }
        var endpoints = ids.map { TrunkEndpoint(local: $0) }
        var initial: [(Int, [TrunkEvent])] = []
        for i in 0..<3 {
            for j in 0..<3 where i != j { initial.append((i, try endpoints[i].addPeer(ids[j].credential, now: t0))) }
        }
        let seen = exchange(&endpoints, initial, now: t0)
        for i in 0..<3 {
            #expect(endpoints[i].peerIDs.count == 2)
            #expect(seen[i].filter { $0.action == .established }.count == 2)
            #expect(!seen[i].contains { if case .drop = $0.action { true } else { false } })
        }
        let bytes = try endpoints[0].seal(.data(dataFrame(sequence: 5)), to: ids[2].nodeID, now: t0)
        let events = endpoints[2].receive(bytes, now: t0)
        #expect(events == [TrunkEvent(peer: ids[0].nodeID, action: .deliver(.data(dataFrame(sequence: 5))))])
    }

    @Test func unknownButCredentialedNodeIsAdmitted() throws {
        let a = try makeIdentity("node-a", mesh: mesh)
        let b = try makeIdentity("node-b", mesh: mesh)
        var endpoints = [TrunkEndpoint(local: a), TrunkEndpoint(local: b)]
        let initial = [(0, try endpoints[0].addPeer(b.credential, now: t0))]  // b was not told about a
        let seen = exchange(&endpoints, initial, now: t0)
        #expect(endpoints[1].peerIDs == [a.nodeID])
        #expect(seen[1].contains(TrunkEvent(peer: a.nodeID, action: .established)))
    }

    @Test func admissionCanBeTurnedOff() throws {
        let a = try makeIdentity("node-a", mesh: mesh)
        let b = try makeIdentity("node-b", mesh: mesh)
        var closed = TrunkConfiguration()
        closed.acceptUnknownNodes = false
        var endpointA = TrunkEndpoint(local: a)
        var endpointB = TrunkEndpoint(local: b, configuration: closed)
        let initBytes = try #require(sends(endpointA.addPeer(b.credential, now: t0).map(\.action)).first)
        #expect(endpointB.receive(initBytes, now: t0) == [TrunkEvent(peer: nil, action: .drop(.unknownNode, cause: .unknownSender))])
    }

    @Test func misdirectedInitIsDropped() throws {
        let a = try makeIdentity("node-a", mesh: mesh)
        let b = try makeIdentity("node-b", mesh: mesh)
        let c = try makeIdentity("node-c", mesh: mesh)
        var endpointA = TrunkEndpoint(local: a)
        var endpointC = TrunkEndpoint(local: c)
        let initForB = try #require(sends(endpointA.addPeer(b.credential, now: t0).map(\.action)).first)
        #expect(endpointC.receive(initForB, now: t0) == [TrunkEvent(peer: nil, action: .drop(.unknownNode, cause: .misdirected))])
        #expect(endpointC.peerIDs.isEmpty)
    }

    @Test func sealingForAnUnknownPeerThrows() throws {
        var endpoint = TrunkEndpoint(local: try makeIdentity("node-a", mesh: mesh))
        #expect(throws: TrunkError.unknownPeer("ghost")) {
            try endpoint.seal(.data(dataFrame(sequence: 0)), to: nodeID("ghost"), now: t0)
        }
    }

    @Test func removedPeerIsForgotten() throws {
        let a = try makeIdentity("node-a", mesh: mesh)
        let b = try makeIdentity("node-b", mesh: mesh)
        var endpoint = TrunkEndpoint(local: a)
        _ = try endpoint.addPeer(b.credential, now: t0)
        #expect(endpoint.peer(b.nodeID)?.state == .connecting)
        endpoint.removePeer(b.nodeID)
        #expect(endpoint.peer(b.nodeID) == nil)
        #expect(endpoint.tick(now: t0.advanced(by: .seconds(1))).isEmpty)
    }

    @Test func sealDataWritesIntoTheCallersBuffer() throws {
        let a = try makeIdentity("node-a", mesh: mesh)
        let b = try makeIdentity("node-b", mesh: mesh)
        var endpoints = [TrunkEndpoint(local: a), TrunkEndpoint(local: b)]
        _ = exchange(&endpoints, [(0, try endpoints[0].addPeer(b.credential, now: t0))], now: t0)
        let frame = dataFrame(sequence: 9, size: 1200)
        var buffer = [UInt8](repeating: 0, count: 2048)
        let length = try frame.payload.withUnsafeBytes { payload in
            try buffer.withUnsafeMutableBytes { out in
                try endpoints[0].sealData(frame.header, payload: payload, into: out, to: b.nodeID, now: t0)
            }
        }
        #expect(length == TrunkPeer.sealedDataSize(payloadCount: 1200))
        let events = endpoints[1].receive(Array(buffer.prefix(length)), now: t0)
        #expect(events == [TrunkEvent(peer: a.nodeID, action: .deliver(.data(frame)))])
    }
}
