import Coordination
import ControlProtocol
import Logging
import Synchronization
import Testing

@testable import ControlPlane

/// Records the node calls and answers them; nodes in `failing` refuse pulls.
private final class FakeNodes: MeshNodeCalls {
    enum Call: Equatable, CustomStringConvertible {
        case pull(node: String, upstream: String)
        case release(node: String)
        var description: String {
            switch self {
            case .pull(let node, let upstream): "pull \(node)<-\(upstream)"
            case .release(let node): "release \(node)"
            }
        }
    }

    let log = Mutex<[Call]>([])
    let failing = Mutex<Set<String>>([])
    let topology = Mutex(MeshTopology())
    let announced = Mutex<[MeshSignal]>([])

    func pullTrack(node: String, room: String, track: ControlProtocolTrack, upstream: String) async throws(SFUCallError) {
        if failing.withLock({ $0.contains(node) }) {
            throw SFUCallError(method: "PullTrack", kind: .unavailable, message: "refused")
        }
        log.withLock { $0.append(.pull(node: node, upstream: upstream)) }
    }

    func releaseTrack(node: String, room: String, trackID: String) async throws(SFUCallError) {
        log.withLock { $0.append(.release(node: node)) }
    }

    /// Calls since the last `take`.
    func take() -> [Call] { log.withLock { calls in defer { calls = [] }; return calls } }
    func takeAnnounced() -> [MeshSignal] { announced.withLock { list in defer { list = [] }; return list } }
}

private let room = RoomID("r1")
private let trackID = MediaTrackID("TR_video")

/// One-way delays in ms (RTT is twice): A–B 40, B–C 40, A–C 150, C–D 30.
private func cascadeTopology() -> MeshTopology {
    var links: [NodePair: LinkCost] = [:]
    for (a, b, oneWay) in [("A", "B", 40.0), ("B", "C", 40), ("A", "C", 150), ("C", "D", 30), ("A", "D", 200), ("B", "D", 90)] {
        links[NodePair(a, b)] = LinkCost(rttSeconds: 2 * oneWay / 1000)
    }
    return MeshTopology(nodes: ["A", "B", "C", "D"], links: links)
}

private func orchestrator(_ fake: FakeNodes, fanout: Int = 4) -> MeshOrchestrator {
    var configuration = MeshConfiguration()
    configuration.planner.maxFanout = fanout
    return MeshOrchestrator(
        configuration: configuration, calls: fake, topology: { fake.topology.withLock { $0 } },
        announce: { _, signal in fake.announced.withLock { $0.append(signal) } },
        logger: Logger(label: "test"))
}

private func need(_ node: String, _ member: String, _ needed: Bool = true) -> MeshInput {
    .signal(room, .need(track: trackID, node: NodeID(node), member: MemberID(member), needed: needed))
}

private func published(_ orchestrator: MeshOrchestrator) async {
    var track = Edgemesh_V1_Track()
    track.id = trackID.rawValue
    track.kind = .video
    await orchestrator.own(room: room, track: track, publisher: MemberID("pub"), origin: "A")
}

@Suite("MeshOrchestrator")
struct MeshOrchestratorTests {
    @Test func pullsAlongTheCascadeRootFirstThenAnnounces() async {
        let fake = FakeNodes()
        fake.topology.withLock { $0 = cascadeTopology() }
        let mesh = orchestrator(fake)
        await published(mesh)
        await mesh.handle(need("C", "s1"))
        #expect(fake.take() == [.pull(node: "B", upstream: "A"), .pull(node: "C", upstream: "B")])
        #expect(fake.takeAnnounced() == [.ready(track: trackID, node: NodeID("C"), error: nil)])
        // A second subscriber on B: B already pulls; only the answer.
        await mesh.handle(need("B", "s2"))
        #expect(fake.take().isEmpty)
        #expect(fake.takeAnnounced() == [.ready(track: trackID, node: NodeID("B"), error: nil)])
        // Another on C asks again: answered, nothing pulled twice.
        await mesh.handle(need("C", "s3"))
        #expect(fake.take().isEmpty)
        #expect(fake.takeAnnounced().count == 1)
    }

    @Test func aNeedForATrackOwnedElsewhereIsIgnored() async {
        let fake = FakeNodes()
        fake.topology.withLock { $0 = cascadeTopology() }
        let mesh = orchestrator(fake)
        await mesh.handle(need("C", "s1"))
        #expect(fake.take().isEmpty)
        #expect(fake.takeAnnounced().isEmpty)
    }

    @Test func releasesWhenTheLastSubscriberGoesButKeepsRelays() async {
        let fake = FakeNodes()
        fake.topology.withLock { $0 = cascadeTopology() }
        let mesh = orchestrator(fake)
        await published(mesh)
        await mesh.handle(need("B", "s1"))
        await mesh.handle(need("C", "s2"))
        _ = fake.take()
        // B's subscriber leaves: B still relays to C.
        await mesh.handle(need("B", "s1", false))
        #expect(fake.take().isEmpty)
        #expect(await mesh.pulls(room: room, track: trackID) == ["B": "A", "C": "B"])
        // C's subscriber leaves the room: both go, deepest first.
        await mesh.handle(.memberLeft(room, MemberID("s2")))
        #expect(fake.take() == [.release(node: "C"), .release(node: "B")])
        #expect(await mesh.pulls(room: room, track: trackID).isEmpty)
    }

    @Test func aTrunkDownMovesThePullWithoutReleasing() async {
        let fake = FakeNodes()
        fake.topology.withLock { $0 = cascadeTopology() }
        let mesh = orchestrator(fake)
        await published(mesh)
        await mesh.handle(need("C", "s1"))
        await mesh.handle(need("D", "s2"))
        #expect(fake.take() == [.pull(node: "B", upstream: "A"), .pull(node: "C", upstream: "B"), .pull(node: "D", upstream: "C")])
        await mesh.handle(.trunkChanged(reporter: "C", peer: "B", established: false))
        // C now straight from A (150 ms beats 40+90+30 through B and D); D moves under B (131 ms
        // beats 181 ms under C); B keeps relaying, so nothing is released.
        #expect(fake.take() == [.pull(node: "C", upstream: "A"), .pull(node: "D", upstream: "B")])
        #expect(await mesh.tree(room: room, track: trackID)?.parent == ["B": "A", "C": "A", "D": "B"])
    }

    @Test func aTrunkNotInTheTreeChangesNothing() async {
        let fake = FakeNodes()
        fake.topology.withLock { $0 = cascadeTopology() }
        let mesh = orchestrator(fake)
        await published(mesh)
        await mesh.handle(need("C", "s1"))
        _ = fake.take()
        await mesh.handle(.trunkChanged(reporter: "A", peer: "D", established: false))
        #expect(fake.take().isEmpty)
    }

    @Test func aNodeLeavingTheMeshIsReplannedOnTheNextTickWithoutCallingIt() async {
        let fake = FakeNodes()
        fake.topology.withLock { $0 = cascadeTopology() }
        let mesh = orchestrator(fake)
        await published(mesh)
        await mesh.tick(full: false)
        await mesh.handle(need("C", "s1"))
        _ = fake.take()
        fake.topology.withLock { _ = $0.nodes.remove("B") }
        await mesh.tick(full: false)
        // B is gone: C re-pointed to A; B is not called (it is not there to answer).
        #expect(fake.take() == [.pull(node: "C", upstream: "A")])
    }

    @Test func periodicReplanningHonoursHysteresis() async {
        let fake = FakeNodes()
        fake.topology.withLock { $0 = cascadeTopology() }
        let mesh = orchestrator(fake)
        await published(mesh)
        await mesh.handle(need("C", "s1"))
        _ = fake.take()
        // Direct A–C improves to 75 ms one way: 6 ms better than 81: stay.
        fake.topology.withLock { $0.links[NodePair("A", "C")] = LinkCost(rttSeconds: 0.150) }
        await mesh.tick(full: true)
        #expect(fake.take().isEmpty)
        // 50 ms one way: 31 ms and 38 % better: switch, and B is released.
        fake.topology.withLock { $0.links[NodePair("A", "C")] = LinkCost(rttSeconds: 0.100) }
        await mesh.tick(full: true)
        #expect(fake.take() == [.pull(node: "C", upstream: "A"), .release(node: "B")])
    }

    @Test func aFailedPullIsReportedAndItsSubtreeWaits() async {
        let fake = FakeNodes()
        fake.topology.withLock { $0 = cascadeTopology() }
        fake.failing.withLock { $0 = ["B"] }
        let mesh = orchestrator(fake)
        await published(mesh)
        await mesh.handle(need("C", "s1"))
        #expect(fake.take().isEmpty)
        let answers = fake.takeAnnounced()
        #expect(answers.count == 1)
        guard case .ready(_, let node, let error)? = answers.first else { return }
        #expect(node == NodeID("C"))
        #expect(error?.contains("node B could not pull from A") == true)
        // B recovers: the next tick completes the tree.
        fake.failing.withLock { $0 = [] }
        await mesh.tick(full: true)
        #expect(fake.take() == [.pull(node: "B", upstream: "A"), .pull(node: "C", upstream: "B")])
    }

    @Test func anUnreachableNodeGetsAnError() async {
        let fake = FakeNodes()
        var topology = cascadeTopology()
        topology.nodes.insert("Z")
        fake.topology.withLock { $0 = topology }
        let mesh = orchestrator(fake)
        await published(mesh)
        await mesh.handle(need("Z", "s1"))
        guard case .ready(_, _, let error)? = fake.takeAnnounced().first else {
            Issue.record("no answer")
            return
        }
        #expect(error?.contains("no trunk path") == true)
    }

    @Test func thePublisherLeavingReleasesEverything() async {
        let fake = FakeNodes()
        fake.topology.withLock { $0 = cascadeTopology() }
        let mesh = orchestrator(fake)
        await published(mesh)
        await mesh.handle(need("C", "s1"))
        await mesh.handle(need("D", "s2"))
        _ = fake.take()
        await mesh.handle(.publisherLeft(room, MemberID("pub")))
        #expect(fake.take() == [.release(node: "D"), .release(node: "C"), .release(node: "B")])
        #expect(await mesh.ownedTracks == 0)
    }

    @Test func fanOutOneChainsTheSubscriberNodes() async {
        let fake = FakeNodes()
        var links: [NodePair: LinkCost] = [:]
        for pair in [("A", "B"), ("A", "C"), ("A", "D"), ("B", "C"), ("B", "D"), ("C", "D")] {
            links[NodePair(pair.0, pair.1)] = LinkCost(rttSeconds: 0.040)
        }
        fake.topology.withLock { $0 = MeshTopology(nodes: ["A", "B", "C", "D"], links: links) }
        let mesh = orchestrator(fake, fanout: 1)
        await published(mesh)
        for node in ["B", "C", "D"] { await mesh.handle(need(node, "s-\(node)")) }
        #expect(await mesh.pulls(room: room, track: trackID) == ["B": "A", "C": "B", "D": "C"])
    }
}

@Suite("MeshSignal and MeshConfiguration")
struct MeshSignalTests {
    @Test(arguments: [
        MeshSignal.need(track: MediaTrackID("T1"), node: NodeID("n1"), member: MemberID("PA_x"), needed: true),
        MeshSignal.need(track: MediaTrackID("T1"), node: NodeID("n1"), member: MemberID("PA_x"), needed: false),
        MeshSignal.ready(track: MediaTrackID("T1"), node: NodeID("n2"), error: nil),
        MeshSignal.ready(track: MediaTrackID("T1"), node: NodeID("n2"), error: "no trunk path"),
    ])
    func roundTrips(_ signal: MeshSignal) {
        #expect(MeshSignal(event: signal.event(room: RoomID("r"), origin: "be-1")) == signal)
    }

    @Test func otherEventsAreNotMeshSignals() {
        let chat = RoomEvent(room: RoomID("r"), origin: "be", type: "chat", payload: Array(#"{"track":"T","node":"n"}"#.utf8))
        #expect(MeshSignal(event: chat) == nil)
        let broken = RoomEvent(room: RoomID("r"), origin: "be", type: "relay_need", payload: Array(#"{"track":"T","node":"n"}"#.utf8))
        #expect(MeshSignal(event: broken) == nil)
    }

    @Test func environment() throws {
        let configuration = try MeshConfiguration(environment: [
            "MESH_MAX_FANOUT": "2", "MESH_LOSS_PENALTY": "1.5", "MESH_REPLAN_INTERVAL": "2.5", "MESH_UNMEASURED_RTT_MS": "250",
        ])
        #expect(configuration.planner.maxFanout == 2)
        #expect(configuration.planner.lossPenalty == 1.5)
        #expect(configuration.replanInterval == .milliseconds(2500))
        #expect(configuration.unmeasuredRTT == 0.25)
        #expect(try MeshConfiguration(environment: [:]) == MeshConfiguration())
    }

    @Test(arguments: ["0", "65", "2.5", "many", "nan"])
    func badFanoutIsRefused(_ value: String) {
        #expect(throws: ControlPlaneError.self) { try MeshConfiguration(environment: ["MESH_MAX_FANOUT": value]) }
    }
}
