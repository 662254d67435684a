import ControlProtocol
import Coordination
import Logging
import Synchronization
import Testing

@testable import ControlPlane

/// Records the node calls in order (pulls and releases).
private final class RecordingNodes: MeshNodeCalls {
    let log = Mutex<[String]>([])
    let topology = Mutex(MeshTopology())

    func pullTrack(node: String, room: String, track: ControlProtocolTrack, upstream: String) async throws(SFUCallError) {
        log.withLock { $0.append("pull \(node)<-\(upstream)") }
    }

    func releaseTrack(node: String, room: String, trackID: String) async throws(SFUCallError) {
        log.withLock { $0.append("release \(node)") }
    }

    func take() -> [String] { log.withLock { calls in defer { calls = [] }; return calls } }
}

private let room = RoomID("r1")
private let trackID = MediaTrackID("TR_video")

/// The cascade of the mesh integration test: RTT A–B 80 ms, B–C 80 ms, A–C 300 ms
/// (C is 81 ms from A through B, 150 ms direct); `direct: nil` leaves A–C out.
private func cascade(direct: Double? = 300, draining: Set<String> = []) -> MeshTopology {
    var links: [NodePair: LinkCost] = [NodePair("A", "B"): LinkCost(rttSeconds: 0.080),
                                       NodePair("B", "C"): LinkCost(rttSeconds: 0.080)]
    if let direct { links[NodePair("A", "C")] = LinkCost(rttSeconds: direct / 1000) }
    return MeshTopology(nodes: ["A", "B", "C"], links: links, draining: draining)
}

private func orchestrator(_ nodes: RecordingNodes) -> MeshOrchestrator {
    MeshOrchestrator(configuration: MeshConfiguration(), calls: nodes, topology: { nodes.topology.withLock { $0 } },
                     announce: { _, _ in }, logger: Logger(label: "test"))
}

/// A mesh orchestrator owning the track published on A, with subscribers on `nodes`, planned A→B→C.
private func cascadeRelay(_ nodes: RecordingNodes, subscribersOn targets: [String]) async -> MeshOrchestrator {
    nodes.topology.withLock { $0 = cascade() }
    let mesh = orchestrator(nodes)
    var track = Edgemesh_V1_Track()
    track.id = trackID.rawValue
    track.kind = .video
    await mesh.own(room: room, track: track, publisher: MemberID("pub"), origin: "A")
    for node in targets {
        await mesh.handle(.signal(room, .need(track: trackID, node: NodeID(node), member: MemberID("s-\(node)"), needed: true)))
    }
    return mesh
}

@Suite("Draining relays")
struct DrainingRelayTests {
    let planner = CascadePlanner()

    struct PlanCase: Sendable, CustomTestStringConvertible {
        var name: String
        var targets: Set<String>
        var topology: MeshTopology
        var parent: [String: String]
        var testDescription: String { name }
    }

    @Test(arguments: [
        PlanCase(name: "not draining: C through B", targets: ["B", "C"], topology: cascade(),
                 parent: ["B": "A", "C": "B"]),
        PlanCase(name: "B draining with its own subscribers: B a leaf, C direct", targets: ["B", "C"],
                 topology: cascade(draining: ["B"]), parent: ["B": "A", "C": "A"]),
        PlanCase(name: "B draining without demand: left out", targets: ["C"],
                 topology: cascade(draining: ["B"]), parent: ["C": "A"]),
        PlanCase(name: "the origin draining still sends", targets: ["B", "C"],
                 topology: cascade(draining: ["A"]), parent: ["B": "A", "C": "B"]),
        PlanCase(name: "a draining leaf changes nothing", targets: ["B", "C"],
                 topology: cascade(draining: ["C"]), parent: ["B": "A", "C": "B"]),
        PlanCase(name: "no other path: C still through draining B", targets: ["C"],
                 topology: cascade(direct: nil, draining: ["B"]), parent: ["B": "A", "C": "B"]),
    ])
    func aDrainingNodeRelaysForNobody(_ c: PlanCase) {
        let tree = planner.plan(origin: "A", targets: c.targets, topology: c.topology)
        #expect(tree.parent == c.parent)
        #expect(tree.unreachable.isEmpty)
    }

    /// Hysteresis must not keep a draining relay: C at 81 ms through B moves to 150 ms direct.
    @Test func replanMovesOffADrainingRelayDespiteHysteresis() {
        let current = planner.plan(origin: "A", targets: ["B", "C"], topology: cascade())
        #expect(current.parent == ["B": "A", "C": "B"])
        let next = planner.replan(origin: "A", targets: ["B", "C"], topology: cascade(draining: ["B"]), current: current)
        #expect(next.parent == ["B": "A", "C": "A"])
        #expect(next.latency["C"] == 0.150)
    }

    /// `NodeDraining`: C's new upstream is pulled first, B (no subscribers of its own) released after.
    @Test func nodeDrainingMovesTheChildBeforeReleasingTheRelay() async {
        let nodes = RecordingNodes()
        let mesh = await cascadeRelay(nodes, subscribersOn: ["C"])
        #expect(nodes.take() == ["pull B<-A", "pull C<-B"])
        await mesh.handle(.nodeDraining("B"))
        #expect(nodes.take() == ["pull C<-A", "release B"])
        #expect(await mesh.pulls(room: room, track: trackID) == ["C": "A"])
        // The draining node is not taken back as a relay by the periodic re-plan.
        await mesh.tick(full: true)
        #expect(nodes.take().isEmpty)
        #expect(await mesh.tree(room: room, track: trackID)?.parent == ["C": "A"])
    }

    /// A draining node with subscribers of its own keeps receiving the track (as a leaf).
    @Test func aDrainingNodeKeepsItsOwnPull() async {
        let nodes = RecordingNodes()
        let mesh = await cascadeRelay(nodes, subscribersOn: ["B", "C"])
        #expect(nodes.take() == ["pull B<-A", "pull C<-B"])
        await mesh.handle(.nodeDraining("B"))
        #expect(nodes.take() == ["pull C<-A"])
        #expect(await mesh.pulls(room: room, track: trackID) == ["B": "A", "C": "A"])
        // Its subscriber migrates away: now it is released.
        await mesh.handle(.memberLeft(room, MemberID("s-B")))
        #expect(nodes.take() == ["release B"])
    }

    /// The directory reports the drain (stats or registry record), no event heard: the next tick re-plans.
    @Test func theDirectoryMarkingANodeDrainingTriggersAReplan() async {
        let nodes = RecordingNodes()
        let mesh = await cascadeRelay(nodes, subscribersOn: ["C"])
        _ = nodes.take()
        await mesh.tick(full: false)
        #expect(nodes.take().isEmpty)
        nodes.topology.withLock { $0.draining = ["B"] }
        await mesh.tick(full: false)
        #expect(nodes.take() == ["pull C<-A", "release B"])
        await mesh.tick(full: false)
        #expect(nodes.take().isEmpty)
    }

    @Test func aDrainingNodeThatRelaysNothingChangesNothing() async {
        let nodes = RecordingNodes()
        let mesh = await cascadeRelay(nodes, subscribersOn: ["C"])
        _ = nodes.take()
        await mesh.handle(.nodeDraining("C"))
        #expect(nodes.take().isEmpty)
        #expect(await mesh.pulls(room: room, track: trackID) == ["B": "A", "C": "B"])
    }

    /// `NodeDirectory.meshTopology` carries the drain a node announced before its stats confirm it.
    @Test func theDirectoryTopologyListsAnnouncedDrains() async throws {
        let directory = NodeDirectory(source: .addresses(["a:1", "b:1"])) { address in
            NodeReport(nodeID: String(address.prefix(1)).uppercased(), region: "r", participants: 0)
        }
        try await directory.refresh()
        #expect(await directory.meshTopology(unmeasuredRTT: 0.3, maxParticipants: 10).draining.isEmpty)
        await directory.markDraining("B")
        let topology = await directory.meshTopology(unmeasuredRTT: 0.3, maxParticipants: 10)
        #expect(topology.nodes == ["A", "B"])
        #expect(topology.draining == ["B"])
    }
}
