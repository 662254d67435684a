import Coordination
import GeoRouting
import Synchronization
import Testing

@testable import ControlPlane

private func region(_ id: String, _ name: String, _ lat: Double, _ lon: Double) throws -> Region {
    Region(id: try GeoRouting.RegionID(id), name: name, location: try GeoCoordinate(latitude: lat, longitude: lon))
}

private func catalog() throws -> RegionCatalog {
    try RegionCatalog(regions: [
        region("eu-central", "Frankfurt", 50.11, 8.68),
        region("us-east", "Ashburn", 39.04, -77.49),
        region("us-west", "Oregon", 45.6, -121.18),
    ])
}

private func node(_ id: String, _ region: String, load: Int = 0, healthy: Bool = true, draining: Bool = false) -> SFUNode {
    SFUNode(id: id, region: region, grpcAddress: "\(id):50051", participants: load, healthy: healthy, draining: draining)
}

private let london = try! GeoCoordinate(latitude: 51.5142, longitude: -0.0931)  // GeoIP2-City-Test 81.2.69.142
private let milton = try! GeoCoordinate(latitude: 47.2513, longitude: -122.3149)  // 216.160.83.56

@Suite("Placement")
struct PlacementTests {
    private func policy(maxLoad: Int = 10) throws -> PlacementPolicy {
        PlacementPolicy(catalog: try catalog(), defaultRegion: try GeoRouting.RegionID("us-east"), maxParticipantsPerNode: maxLoad)
    }

    private let nodes = [node("eu-1", "eu-central"), node("use-1", "us-east"), node("usw-1", "us-west")]

    @Test func geoIPPicksTheNearestRegion() throws {
        let london = try #require(try policy().place(nodes: nodes, clientLocation: london))
        #expect(london.node.id == "eu-1")
        #expect(london.reason == "geoip")
        #expect(london.regionName == "Frankfurt")
        #expect((600...700).contains(london.distanceKm ?? 0))
        #expect(try policy().place(nodes: nodes, clientLocation: milton)?.node.id == "usw-1")
    }

    @Test func rttHintsOutrankGeoIP() throws {
        let hints = RTTHints([try GeoRouting.RegionID("us-east"): 20, try GeoRouting.RegionID("eu-central"): 90])
        let placement = try #require(try policy().place(nodes: nodes, clientLocation: london, rttHints: hints))
        #expect(placement.node.id == "use-1")
        #expect(placement.reason == "rtt")
        #expect(placement.rttMilliseconds == 20)
    }

    @Test func unknownLocationGoesToTheDefaultRegion() throws {
        let placement = try #require(try policy().place(nodes: nodes, clientLocation: nil))
        #expect(placement.node.id == "use-1")
        #expect(placement.reason == "default")
    }

    @Test func fullUnhealthyAndDrainingNodesAreSkipped() throws {
        let busy = [node("eu-1", "eu-central", load: 10), node("eu-2", "eu-central", healthy: false),
                    node("eu-3", "eu-central", draining: true), node("usw-1", "us-west")]
        // Frankfurt has no usable node: the next nearest region with one.
        let placement = try #require(try policy().place(nodes: busy, clientLocation: london))
        #expect(placement.node.id == "usw-1")
        #expect(placement.reason == "geoip")
    }

    @Test func leastLoadedNodeInsideTheRegion() throws {
        let pool = [node("eu-b", "eu-central", load: 3), node("eu-a", "eu-central", load: 5), node("eu-c", "eu-central", load: 3)]
        #expect(try policy().place(nodes: pool, clientLocation: london)?.node.id == "eu-b")  // ties by id
    }

    @Test func nodesOutsideTheCatalogAreALastResort() throws {
        let placement = try #require(try policy().place(nodes: [node("x-1", "mars")], clientLocation: london))
        #expect(placement.node.id == "x-1")
        #expect(placement.reason == "default")
        #expect(placement.regionName == "mars")
        #expect(try policy().place(nodes: [node("x-1", "mars"), node("eu-1", "eu-central")], clientLocation: nil)?.node.id == "eu-1")
    }

    @Test func noUsableNodeMeansNoPlacement() throws {
        #expect(try policy().place(nodes: [], clientLocation: london) == nil)
        #expect(try policy().place(nodes: [node("eu-1", "eu-central", healthy: false)], clientLocation: london) == nil)
    }
}

@Suite("Node directory")
struct NodeDirectoryTests {
    /// A node whose lease expired drops out, and its region with it.
    @Test func expiredLeaseTakesTheRegionOutOfTheChoice() async throws {
        let clock = Mutex(ContinuousClock.now)
        let coordinator = InProcessCoordinator(configuration: CoordinatorConfiguration(), now: { clock.withLock { $0 } })
        for (id, region) in [("eu-1", "eu-central"), ("usw-1", "us-west")] {
            try await coordinator.register(NodeRecord(
                id: NodeID(id), region: Coordination.RegionID(region), grpcAddress: "127.0.0.1:1", rtcAddress: "", trunkAddress: "",
                trunkPublicKey: [], credential: ""))
        }
        let directory = NodeDirectory(source: .registry(coordinator)) { _ in throw SFUCallError(method: "x", error: CancellationError()) }
        let policy = PlacementPolicy(catalog: try catalog(), defaultRegion: try GeoRouting.RegionID("us-east"), maxParticipantsPerNode: 10)
        try await directory.refresh()
        #expect(await directory.place(policy: policy, clientLocation: london, rttHints: RTTHints())?.node.id == "eu-1")
        // us-west renews, eu-central does not; 7 s later only us-west holds a lease.
        clock.withLock { $0 += .seconds(4) }
        #expect(try await coordinator.renew(NodeID("usw-1"), load: NodeLoad(participants: 2)))
        clock.withLock { $0 += .seconds(3) }
        try await directory.refresh()
        let placement = await directory.place(policy: policy, clientLocation: london, rttHints: RTTHints())
        #expect(placement?.node.id == "usw-1")
        #expect(await directory.snapshot().map(\.id) == ["usw-1"])
        #expect(await directory.snapshot().first?.participants == 3)  // reported 2 + this placement
    }

    @Test func addressesAreProbedAndLapse() async throws {
        let clock = Mutex(ContinuousClock.now)
        let up = Mutex(true)
        let directory = NodeDirectory(source: .addresses(["10.0.0.1:50051"]), leaseDuration: .seconds(6),
                                      now: { clock.withLock { $0 } }) { address in
            guard up.withLock({ $0 }) else { throw SFUCallError(method: "GetNodeStats", error: CancellationError()) }
            return NodeReport(nodeID: "sfu-a", region: "eu-central", participants: 4)
        }
        #expect(await directory.snapshot().first?.healthy == false)  // not yet probed
        try await directory.refresh()
        #expect(await directory.snapshot() == [SFUNode(id: "sfu-a", region: "eu-central", grpcAddress: "10.0.0.1:50051", participants: 4)])
        up.withLock { $0 = false }
        clock.withLock { $0 += .seconds(5) }
        try await directory.refresh()
        #expect(await directory.snapshot().first?.healthy == true)  // within the lease
        clock.withLock { $0 += .seconds(2) }
        try await directory.refresh()
        #expect(await directory.snapshot().first?.healthy == false)
    }

    @Test func placementsCountUntilTheNextRefresh() async throws {
        let directory = NodeDirectory(source: .addresses(["a:1", "b:1"])) { address in
            NodeReport(nodeID: address == "a:1" ? "a" : "b", region: "eu-central", participants: 0)
        }
        try await directory.refresh()
        let policy = PlacementPolicy(catalog: try catalog(), defaultRegion: try GeoRouting.RegionID("eu-central"), maxParticipantsPerNode: 2)
        var chosen: [String?] = []
        for _ in 0..<5 { chosen.append(await directory.place(policy: policy, clientLocation: nil, rttHints: RTTHints())?.node.id) }
        #expect(chosen == ["a", "b", "a", "b", nil])  // spread, then full
    }

    @Test func drainingNodesTakeNoPlacements() async throws {
        // "a" reports draining in its stats; "b" announces NodeDraining before its stats say so.
        let bDraining = Mutex(false)
        let directory = NodeDirectory(source: .addresses(["a:1", "b:1", "c:1"])) { address in
            switch address {
            case "a:1": NodeReport(nodeID: "a", region: "eu-central", participants: 0, draining: true)
            case "b:1": NodeReport(nodeID: "b", region: "eu-central", participants: 0, draining: bDraining.withLock { $0 })
            default: NodeReport(nodeID: "c", region: "eu-central", participants: 5)
            }
        }
        try await directory.refresh()
        let policy = PlacementPolicy(catalog: try catalog(), defaultRegion: try GeoRouting.RegionID("eu-central"), maxParticipantsPerNode: 10)
        #expect(await directory.place(policy: policy, clientLocation: nil, rttHints: RTTHints())?.node.id == "b")
        await directory.markDraining("b")
        #expect(await directory.snapshot().map(\.draining) == [true, true, false])
        #expect(await directory.place(policy: policy, clientLocation: nil, rttHints: RTTHints())?.node.id == "c")
        bDraining.withLock { $0 = true }
        try await directory.refresh()
        #expect(await directory.place(policy: policy, clientLocation: nil, rttHints: RTTHints())?.node.id == "c")
        // A node that reports it is not draining (restarted) is placeable again.
        bDraining.withLock { $0 = false }
        try await directory.refresh()
        #expect(await directory.place(policy: policy, clientLocation: nil, rttHints: RTTHints())?.node.id == "b")
    }
}

@Suite("Client address")
struct ClientAddressTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.1.2.3", true),
        ("10.0.0.0/8", "11.0.0.1", false),
        ("192.168.1.7", "192.168.1.7", true),
        ("192.168.1.7", "192.168.1.8", false),
        ("0.0.0.0/0", "8.8.8.8", true),
        ("fd00::/8", "fd12::1", true),
        ("fd00::/8", "fe80::1", false),
        ("127.0.0.0/8", "::ffff:127.0.0.1", true),  // IPv4-mapped
        ("::1/128", "127.0.0.1", false),
    ])
    func cidrMembership(network: String, address: String, inside: Bool) throws {
        let address = try #require(IPBytes(address))
        #expect(try CIDR(network).contains(address) == inside)
    }

    @Test(arguments: ["", "10.0.0.0/33", "fd00::/129", "10.0.0/8", "host/8", "10.0.0.0/-1", "10.0.0.0/8/1"])
    func invalidNetworks(text: String) {
        #expect(throws: ControlPlaneError.self) { try CIDR(text) }
    }

    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() throws {
        let proxies = try TrustedProxies(list: "127.0.0.1/32, 10.0.0.0/8")
        // Untrusted peer: the header is ignored.
        #expect(proxies.clientAddress(peer: "203.0.113.9", forwardedFor: ["81.2.69.142"]) == "203.0.113.9")
        // Trusted peer: the rightmost address that is not one of our proxies.
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["81.2.69.142"]) == "81.2.69.142")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["1.1.1.1, 81.2.69.142, 10.0.0.5"]) == "81.2.69.142")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["1.1.1.1", "216.160.83.56"]) == "216.160.83.56")
        // Garbage in the chain: fall back to the peer.
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["not-an-ip"]) == "127.0.0.1")
        // No header.
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        #expect(TrustedProxies().clientAddress(peer: "127.0.0.1", forwardedFor: ["81.2.69.142"]) == "127.0.0.1")
    }
}

@Suite("Room signals and encodings")
struct RoomSignalTests {
    @Test func signalsSurviveTheRoomEventRoundTrip() throws {
        let member = MemberRecord(id: MemberID("PA_1"), identity: "alice", name: "Alice", region: Coordination.RegionID("eu-central"),
                                  node: NodeID("eu-1"), backend: "be-1", joinedAt: .init(timeIntervalSince1970: 1000))
        let track = TrackRecord(id: MediaTrackID("TR_1"), member: member.id, kind: "video", source: "camera",
                                simulcast: ["q", "h", "f"], region: member.region, node: member.node)
        let chat = ChatRecord(id: "CH_1", fromID: "PA_1", fromIdentity: "alice", fromName: "Alice", text: "hi", ts: 1)
        let signals: [RoomSignal] = [
            .participantJoined(member, tracks: [track]), .participantLeft(member.id), .tracksPublished([track, track]),
            .trackUnpublished(track), .trackMuted(track.id, muted: true), .chat(chat, sender: member.id, ref: "r"),
            .kick(member.id, reason: "again"),
        ]
        for signal in signals {
            let event = signal.event(room: RoomID("room"), origin: "be-1")
            #expect(event.type == signal.typeName)
            #expect(RoomSignal(event: event) == signal)
        }
        #expect(RoomSignal(event: RoomEvent(room: RoomID("r"), origin: "x", type: "chat", payload: Array("{}".utf8))) == nil)
        #expect(RoomSignal(event: RoomEvent(room: RoomID("r"), origin: "x", type: "other", payload: [])) == nil)
    }

    @Test func trackAndParticipantWireShapes() {
        let track = TrackRecord(id: MediaTrackID("TR_1"), member: MemberID("PA_1"), kind: "audio", source: "microphone",
                                region: Coordination.RegionID("us-east"), node: NodeID("n"))
        #expect(ServerMessage.track(track).serialized()
            == #"{"id":"TR_1","participantId":"PA_1","kind":"audio","source":"microphone","name":"","muted":false,"simulcast":[],"region":"us-east"}"#)
    }

    @Test(arguments: [
        ([] as [UInt8], ""),
        ([0x66], "Zg"),
        ([0x66, 0x6F], "Zm8"),
        ([0x66, 0x6F, 0x6F], "Zm9v"),
        ([0xFB, 0xFF], "-_8"),  // RFC 4648 §5 alphabet
    ])
    func base64url(bytes: [UInt8], text: String) {
        #expect(Base64URL.encode(bytes) == text)
        #expect(Base64URL.decode(Substring(text)) == bytes)
    }

    @Test(arguments: ["Zg==", "Z", "Zh", "Zm9v+", "Zm9v/", "Zm9 v"])
    func base64urlRejects(text: String) {
        #expect(Base64URL.decode(Substring(text)) == nil)
    }
}
