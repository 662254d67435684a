import Coordination
import Logging

/// Owns the relay trees of the tracks published by this backend's
/// participants (docs/decisions.md "Edge mesh"): plans each tree with
/// `CascadePlanner` over the nodes that need the track, issues `PullTrack`
/// root first, `ReleaseTrack` on nodes that no longer need or relay it, and
/// answers `relay_need` with `relay_ready`.
///
/// Re-plans a track when a trunk its tree uses goes down (`TrunkChanged`),
/// when a node of its tree leaves the directory, when a node relaying it
/// starts draining (`NodeDraining`, or the directory reports it draining):
/// the new upstreams are pulled first, and the draining node, which keeps
/// forwarding meanwhile, is released after (make-before-break); and every
/// `replanInterval` (with the planner's hysteresis). One reconciliation
/// per track runs at a time; requests arriving meanwhile are folded into a
/// follow-up pass.
actor MeshOrchestrator {
    typealias TopologySource = @Sendable () async -> MeshTopology
    typealias Announce = @Sendable (RoomID, MeshSignal) async -> Void

    let configuration: MeshConfiguration
    private let planner: CascadePlanner
    private let calls: any MeshNodeCalls
    private let topologySource: TopologySource
    private let announce: Announce
    private let logger: Logger
    private let now: @Sendable () -> ContinuousClock.Instant
    private var relays: [RelayKey: TrackRelay] = [:]
    private var running: Set<RelayKey> = []
    private var dirty: Set<RelayKey> = []
    /// Trunks reported down by events, until the instant (or an "up" event).
    private var downTrunks: [NodePair: ContinuousClock.Instant] = [:]
    /// Nodes whose event stream broke, until the instant.
    private var downNodes: [String: ContinuousClock.Instant] = [:]
    private var lastNodes: Set<String> = []
    /// Nodes that announced a drain, until they leave the directory.
    private var drainingNodes: Set<String> = []
    nonisolated let inputs: AsyncStream<MeshInput>
    private nonisolated let inputContinuation: AsyncStream<MeshInput>.Continuation

    init(configuration: MeshConfiguration, calls: any MeshNodeCalls, topology: @escaping TopologySource,
         announce: @escaping Announce, logger: Logger,
         now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.configuration = configuration
        self.planner = CascadePlanner(configuration: configuration.planner)
        self.calls = calls
        self.topologySource = topology
        self.announce = announce
        self.logger = logger
        self.now = now
        (inputs, inputContinuation) = AsyncStream.makeStream()
    }

    /// Queues an input for `run()` (callable from any context, never blocks).
    nonisolated func submit(_ input: MeshInput) { inputContinuation.yield(input) }

    /// Handles queued inputs and re-plans periodically until cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await input in self.inputs {
                    await self.handle(input)
                }
            }
            group.addTask {
                var sinceFull: Duration = .zero
                let step: Duration = .seconds(1)
                while !Task.isCancelled {
                    try? await Task.sleep(for: step)
                    sinceFull += step
                    let full = sinceFull >= self.configuration.replanInterval
                    if full { sinceFull = .zero }
                    await self.tick(full: full)
                }
            }
        }
    }

    func shutdown() { inputContinuation.finish() }

    // MARK: Inputs

    /// Takes over the relay tree of a track just published on `origin`.
    func own(room: RoomID, track: ControlProtocolTrack, publisher: MemberID, origin: String) {
        var track = track
        if track.originNodeID.isEmpty { track.originNodeID = origin }
        if track.room.isEmpty { track.room = room.rawValue }
        relays[RelayKey(room: room, track: MediaTrackID(track.id))] = TrackRelay(
            track: track, origin: track.originNodeID, publisher: publisher)
    }

    func handle(_ input: MeshInput) async {
        switch input {
        case .signal(let room, .need(let track, let node, let member, let needed)):
            let key = RelayKey(room: room, track: track)
            guard var relay = relays[key] else { return }  // another backend owns it
            if needed {
                relay.demand[node.rawValue, default: []].insert(member)
                relay.announce.insert(node.rawValue)
            } else {
                relay.demand[node.rawValue]?.remove(member)
                if relay.demand[node.rawValue]?.isEmpty == true { relay.demand[node.rawValue] = nil }
            }
            relays[key] = relay
            await reconcile(key)
        case .signal(_, .ready):
            return
        case .memberLeft(let room, let member):
            for key in relays.keys where key.room == room {
                guard var relay = relays[key] else { continue }
                guard relay.publisher != member else {
                    await disown(key)
                    continue
                }
                let before = relay.targets
                for node in Array(relay.demand.keys) {
                    relay.demand[node]?.remove(member)
                    if relay.demand[node]?.isEmpty == true { relay.demand[node] = nil }
                }
                relays[key] = relay
                if relay.targets != before { await reconcile(key) }
            }
        case .publisherLeft(let room, let member):
            for (key, relay) in relays where key.room == room && relay.publisher == member {
                await disown(key)
            }
        case .nodeUnreachable(let node):
            downNodes[node] = now() + configuration.downTrunkMemory
            for (key, relay) in relays.sorted(by: { ($0.key.room, $0.key.track) < ($1.key.room, $1.key.track) })
            where relay.tree?.parent[node] != nil {
                logger.info("node unreachable: re-planning", metadata: ["track": "\(key.track)", "node": "\(node)"])
                await reconcile(key)
            }
        case .nodeDraining(let node):
            guard drainingNodes.insert(node).inserted else { return }
            for (key, relay) in relays.sorted(by: { ($0.key.room, $0.key.track) < ($1.key.room, $1.key.track) })
            where relay.relays(through: node) {
                logger.info("node draining: re-planning around it", metadata: ["track": "\(key.track)", "node": "\(node)"])
                await reconcile(key)
            }
        case .trunkChanged(let reporter, let peer, let established):
            let pair = NodePair(reporter, peer)
            guard !established else {
                downTrunks[pair] = nil
                return
            }
            downTrunks[pair] = now() + configuration.downTrunkMemory
            for (key, relay) in relays.sorted(by: { ($0.key.room, $0.key.track) < ($1.key.room, $1.key.track) })
            where relay.uses(reporter, peer) {
                logger.info("trunk down: re-planning", metadata: ["track": "\(key.track)", "trunk": "\(pair)"])
                await reconcile(key)
            }
        }
    }

    /// Re-plans trees that contain a node no longer in the mesh or relay
    /// through a draining one; with `full`, every tree.
    func tick(full: Bool) async {
        let topology = await topology()
        let nodes = topology.nodes
        let lost = lastNodes.subtracting(nodes)
        lastNodes = nodes
        for (key, relay) in relays.sorted(by: { ($0.key.room, $0.key.track) < ($1.key.room, $1.key.track) }) {
            let affected = relay.tree.map { !$0.nodes.isDisjoint(with: lost) || !$0.nodes.isSubset(of: nodes) } ?? false
            let draining = topology.draining.contains { relay.relays(through: $0) }
            if draining, !full, !affected {
                logger.debug("relay draining: re-planning around it", metadata: ["track": "\(key.track)"])
            }
            if full || affected || draining { await reconcile(key) }
        }
    }

    /// Releases every pull of a track (its publisher left or unpublished it).
    func disown(room: RoomID, track: MediaTrackID) async { await disown(RelayKey(room: room, track: track)) }

    private func disown(_ key: RelayKey) async {
        guard let relay = relays.removeValue(forKey: key) else { return }
        let alive = await topology().nodes
        let order = (relay.tree?.topDown ?? []).reversed() + relay.pulled.keys.sorted()
        var released: Set<String> = []
        for node in order where relay.pulled[node] != nil && alive.contains(node) && released.insert(node).inserted {
            try? await calls.releaseTrack(node: node, room: key.room.rawValue, trackID: key.track.rawValue)
        }
    }

    // MARK: Reconciliation

    /// What the planner works on: the directory's topology minus trunks
    /// reported down, with the nodes that announced a drain marked draining.
    private func topology() async -> MeshTopology {
        var topology = await topologySource()
        drainingNodes.formIntersection(topology.nodes)
        topology.draining.formUnion(drainingNodes)
        let current = now()
        downTrunks = downTrunks.filter { $0.value > current }
        for pair in downTrunks.keys { topology.links[pair] = nil }
        downNodes = downNodes.filter { $0.value > current }
        topology.nodes.subtract(downNodes.keys)
        topology.draining.formIntersection(topology.nodes)
        return topology
    }

    /// Brings the nodes of one track in line with its plan (one pass at a time per track).
    func reconcile(_ key: RelayKey) async {
        guard running.insert(key).inserted else {
            dirty.insert(key)
            return
        }
        defer { running.remove(key) }
        repeat {
            dirty.remove(key)
            await reconcileOnce(key)
        } while dirty.contains(key)
    }

    private func reconcileOnce(_ key: RelayKey) async {
        guard let relay = relays[key] else { return }
        let topology = await topology()
        guard topology.nodes.contains(relay.origin) else {
            // The origin itself is out of reach: nothing to improve; keep the relays until it is back or disowned.
            let waiting = relays[key]?.announce ?? []
            relays[key]?.announce = []
            for node in waiting.sorted() {
                await announce(key.room, .ready(track: key.track, node: NodeID(node), error: "origin node \(relay.origin) is unreachable"))
            }
            return
        }
        let targets = relay.targets
        let tree = targets.isEmpty
            ? CascadeTree(origin: relay.origin)
            : planner.replan(origin: relay.origin, targets: targets, topology: topology, current: relay.tree)
        if tree.parent != relay.tree?.parent, !targets.isEmpty {
            logger.debug("relay plan", metadata: ["track": "\(key.track)", "tree": "\(tree)"])
        }
        var pulled = relay.pulled
        var failed: [String: String] = [:]
        for node in tree.topDown {
            guard let upstream = tree.parent[node] else { continue }
            if let reason = failed[upstream] {
                failed[node] = reason
                continue
            }
            guard pulled[node] != upstream else { continue }
            do {
                try await calls.pullTrack(node: node, room: key.room.rawValue, track: relay.track, upstream: upstream)
                pulled[node] = upstream
            } catch {
                logger.warning("PullTrack failed", metadata: ["node": "\(node)", "upstream": "\(upstream)", "error": "\(error)"])
                pulled[node] = nil
                failed[node] = "node \(node) could not pull from \(upstream): \(error.message)"
            }
        }
        // Release what the tree no longer holds, deepest first (their children were moved above).
        let oldOrder = Array((relay.tree?.topDown ?? []).reversed())
        let staleSet = Set(pulled.keys).subtracting(tree.nodes)
        let stale = oldOrder.filter { staleSet.contains($0) } + staleSet.subtracting(oldOrder).sorted()
        for node in stale {
            pulled[node] = nil
            guard topology.nodes.contains(node) else { continue }
            do {
                try await calls.releaseTrack(node: node, room: key.room.rawValue, trackID: key.track.rawValue)
            } catch {
                logger.debug("ReleaseTrack failed", metadata: ["node": "\(node)", "error": "\(error)"])
            }
        }
        guard var current = relays[key] else {
            // Disowned meanwhile: undo what this pass pulled.
            for node in pulled.keys.sorted() where relay.pulled[node] == nil {
                try? await calls.releaseTrack(node: node, room: key.room.rawValue, trackID: key.track.rawValue)
            }
            return
        }
        current.tree = tree
        current.pulled = pulled
        let waiting = current.announce
        current.announce = []
        relays[key] = current
        for node in waiting.sorted() where current.demand[node]?.isEmpty == false || node == relay.origin {
            let error: String? = if node == relay.origin {
                nil
            } else if let reason = failed[node] {
                reason
            } else if pulled[node] == nil {
                "no trunk path from node \(relay.origin) to node \(node)"
            } else {
                nil
            }
            await announce(key.room, .ready(track: key.track, node: NodeID(node), error: error))
        }
    }

    // MARK: Inspection (tests, metrics)

    /// The current tree of a track, if this backend owns it.
    func tree(room: RoomID, track: MediaTrackID) -> CascadeTree? { relays[RelayKey(room: room, track: track)]?.tree }

    /// Upstream of every node pulling a track.
    func pulls(room: RoomID, track: MediaTrackID) -> [String: String] {
        relays[RelayKey(room: room, track: track)]?.pulled ?? [:]
    }

    /// Tracks this backend owns.
    var ownedTracks: Int { relays.count }
}
