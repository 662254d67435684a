import ControlProtocol
import Coordination
import Logging
import Synchronization

/// Watches the event stream of every known SFU node (`WatchEvents`) and hands
/// what concerns local participants to their sessions: active speakers of a
/// room, transports connected (for the join latency). A broken stream is
/// re-opened after a short pause.
///
/// Draining: when a node announces `NodeDraining`, or the directory lists it
/// as draining (its stats or registry record), it gets no new participants
/// and every local participant on it is sent `migrate` (reason `draining`);
/// their reconnection is placed on another node, and the mesh orchestrator
/// re-plans the relay trees the node forwards for around it (it keeps
/// forwarding until their new upstreams are in place). The directory is
/// checked every `interval`, so participants placed during a race are moved too.
struct NodeEventRelay: Sendable {
    let directory: NodeDirectory
    let pool: SFUClientPool
    let rooms: LocalRooms
    let logger: Logger
    let interval: Duration
    /// Hears trunk changes (relay re-planning).
    var mesh: MeshOrchestrator?

    func run() async {
        let watched = Mutex<Set<String>>([])
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let nodes = await directory.snapshot()
                for node in nodes where watched.withLock({ $0.insert(node.grpcAddress).inserted }) {
                    group.addTask { await watch(address: node.grpcAddress) }
                }
                for node in nodes where node.draining {
                    rooms.deliver(.migrate(reason: "draining"), node: node.id)
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    private func watch(address: String) async {
        guard let client = try? pool.client(for: address) else { return }
        while !Task.isCancelled {
            let nodeID = await directory.snapshot().first { $0.grpcAddress == address }?.id ?? address
            do {
                try await client.watchEvents { event in await deliver(event, node: nodeID) }
            } catch {
                logger.debug("node event stream ended", metadata: ["node": "\(address)", "error": "\(error)"])
                mesh?.submit(.nodeUnreachable(nodeID))
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func deliver(_ event: Edgemesh_V1_NodeEvent, node: String) async {
        switch event.event {
        case .activeSpeakers(let speakers):
            // RFC 6464 levels are -dBov (0 loud … 127 silent); clients get 0 … 1, loudest first.
            let list = speakers.speakers
                .map { (participant: $0.participantID, level: (Double(127 - min($0.level, 127)) / 127 * 1000).rounded() / 1000) }
                .sorted { $0.level > $1.level }
            rooms.deliver(.speakers(list), room: RoomID(speakers.room), node: node)
        case .transportConnected(let connected):
            rooms.deliver(.transportConnected(publisher: connected.role == .publisher), room: RoomID(connected.room),
                          member: MemberID(connected.participantID))
        case .transportFailed(let failed):
            logger.debug("transport failed", metadata: [
                "participant": "\(failed.participantID)", "role": "\(failed.role)", "reason": "\(failed.reason)",
            ])
        case .trunkChanged(let change):
            logger.info("trunk changed", metadata: [
                "node": "\(node)", "peer": "\(change.peerNodeID)", "established": "\(change.established)",
            ])
            mesh?.submit(.trunkChanged(reporter: node, peer: change.peerNodeID, established: change.established))
        case .nodeDraining(let draining):
            logger.notice("node draining: migrating its participants", metadata: [
                "node": "\(node)", "timeout": "\(draining.timeoutSeconds)s",
            ])
            await directory.markDraining(node)
            mesh?.submit(.nodeDraining(node))
            rooms.deliver(.migrate(reason: "draining"), node: node)
        case .trackPublished, nil:
            break
        }
    }
}
