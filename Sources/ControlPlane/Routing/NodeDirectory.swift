import Coordination
import GeoRouting

/// What a node reports about itself (from `GetNodeStats`).
public struct NodeReport: Sendable, Equatable {
    public var nodeID: String
    public var region: String
    public var participants: Int
    /// The node's trunks as it measures them (`NodeStats.trunks`).
    public var trunks: [TrunkReport]
    /// The node is draining (`edgemesh drain`): no new participants.
    public var draining: Bool

    public init(nodeID: String, region: String, participants: Int, trunks: [TrunkReport] = [], draining: Bool = false) {
        self.nodeID = nodeID
        self.region = region
        self.participants = participants
        self.trunks = trunks
        self.draining = draining
    }
}

/// The SFU nodes the backend may place participants on, refreshed every
/// couple of seconds from one of two sources:
///
/// - `.addresses`: a fixed list of gRPC addresses (`SFU_ADDRS`, no registry);
///   each node's id, region and load come from `GetNodeStats`, and a node
///   that has not answered for `leaseDuration` is unhealthy.
/// - `.registry`: the coordinator's node registry (leases renewed by the nodes).
///
/// Placements made since the last refresh are added to the nodes' loads, so
/// a burst of joins spreads over the least-loaded nodes.
public actor NodeDirectory {
    public enum Source: Sendable {
        case addresses([String])
        case registry(any Coordinator)
    }

    public typealias StatsFetcher = @Sendable (_ grpcAddress: String) async throws -> NodeReport

    private struct Entry {
        var node: SFUNode
        var lastSeen: ContinuousClock.Instant?
        var trunks: [TrunkReport] = []
    }

    private let source: Source
    private let fetchStats: StatsFetcher
    private let leaseDuration: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private var entries: [String: Entry] = [:]
    private var placed: [String: Int] = [:]
    /// Nodes that failed a call, left out of placements until the instant.
    private var suspended: [String: ContinuousClock.Instant] = [:]
    /// Nodes that announced a drain (`NodeDraining`) ahead of their stats or record.
    private var drainAnnounced: Set<String> = []

    public init(source: Source, leaseDuration: Duration = .seconds(6),
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
                fetchStats: @escaping StatsFetcher) {
        self.source = source
        self.fetchStats = fetchStats
        self.leaseDuration = leaseDuration
        self.now = now
        if case .addresses(let addresses) = source {
            for address in addresses {
                entries[address] = Entry(node: SFUNode(id: address, region: "", grpcAddress: address, healthy: false))
            }
        }
    }

    /// Re-reads every node (stats calls run concurrently). Errors mark nodes
    /// unhealthy once their lease runs out; a registry error keeps the last view.
    public func refresh() async throws(RedisError) {
        switch source {
        case .addresses(let addresses):
            let fetch = fetchStats
            let reports = await withTaskGroup(of: (String, NodeReport?).self) { group in
                for address in addresses {
                    group.addTask { (address, try? await fetch(address)) }
                }
                var results: [(String, NodeReport?)] = []
                for await result in group { results.append(result) }
                return results
            }
            let current = now()
            for (address, report) in reports {
                var entry = entries[address] ?? Entry(node: SFUNode(id: address, region: "", grpcAddress: address))
                if let report {
                    entry.node.id = report.nodeID
                    entry.node.region = report.region
                    entry.node.participants = report.participants
                    entry.trunks = report.trunks
                    entry.node.draining = report.draining
                    if !report.draining { drainAnnounced.remove(report.nodeID) }
                    entry.lastSeen = current
                }
                entry.node.healthy = entry.lastSeen.map { current - $0 < leaseDuration } ?? false
                entries[address] = entry
            }
        case .registry(let coordinator):
            let records = try await coordinator.healthyNodes()
            // Trunk measurements are only in the nodes' stats: fetch them too (a node that does not answer keeps none).
            let fetch = fetchStats
            let trunks = await withTaskGroup(of: (String, [TrunkReport]).self) { group in
                for record in records {
                    group.addTask { (record.id.rawValue, (try? await fetch(record.grpcAddress))?.trunks ?? []) }
                }
                var results: [String: [TrunkReport]] = [:]
                for await (id, reports) in group { results[id] = reports }
                return results
            }
            entries = Dictionary(records.map { record in
                (record.id.rawValue, Entry(node: SFUNode(
                    id: record.id.rawValue, region: record.region.rawValue, grpcAddress: record.grpcAddress,
                    participants: record.load.participants, healthy: true, draining: record.draining),
                    trunks: trunks[record.id.rawValue] ?? []))
            }, uniquingKeysWith: { first, _ in first })
            drainAnnounced.formIntersection(entries.keys)
        }
        placed = [:]
    }

    /// Every known node with its current view of load and health, sorted by id.
    public func snapshot() -> [SFUNode] {
        let current = now()
        return entries.values.map { entry in
            var node = entry.node
            node.participants += placed[node.id] ?? 0
            if let until = suspended[node.id], current < until { node.healthy = false }
            if drainAnnounced.contains(node.id) { node.draining = true }
            return node
        }.sorted { $0.id < $1.id }
    }

    /// Chooses a node with `policy` and counts the placement against its load.
    public func place(policy: PlacementPolicy, clientLocation: GeoCoordinate?, rttHints: RTTHints) -> Placement? {
        guard let placement = policy.place(nodes: snapshot(), clientLocation: clientLocation, rttHints: rttHints) else {
            return nil
        }
        placed[placement.node.id, default: 0] += 1
        return placement
    }

    /// Leaves a node that failed to answer out of placements for `duration`
    /// (its lease may not have run out yet).
    public func suspend(_ id: String, for duration: Duration = .seconds(3)) {
        suspended[id] = now() + duration
    }

    /// Marks a node as draining at once (it announced `NodeDraining`); its
    /// stats or registry record confirm it at the next refresh.
    public func markDraining(_ id: String) {
        drainAnnounced.insert(id)
    }

    /// The node with this id, if known.
    public func node(id: String) -> SFUNode? {
        snapshot().first { $0.id == id }
    }

    /// Every healthy node's trunk reports, by node id.
    public func trunkReports() -> [String: [TrunkReport]] {
        let healthy = Set(snapshot().filter(\.healthy).map(\.id))
        var reports: [String: [TrunkReport]] = [:]
        for entry in entries.values where healthy.contains(entry.node.id) { reports[entry.node.id] = entry.trunks }
        return reports
    }

    /// The graph the cascade planner works on: healthy nodes, their trunks
    /// (`MeshTopology.build`), load as a fraction of `maxParticipants`, and
    /// which of them are draining (announced or reported: no new relay role).
    public func meshTopology(unmeasuredRTT: Double, maxParticipants: Int) -> MeshTopology {
        let nodes = snapshot().filter(\.healthy)
        let load = Dictionary(nodes.map { ($0.id, Double($0.participants) / Double(max(1, maxParticipants))) },
                              uniquingKeysWith: { first, _ in first })
        return MeshTopology.build(nodes: Set(nodes.map(\.id)), reports: trunkReports(), load: load,
                                  draining: Set(nodes.filter(\.draining).map(\.id)), unmeasuredRTT: unmeasuredRTT)
    }

    /// Refreshes every `interval` until cancelled; `onError` hears registry failures.
    public func run(interval: Duration, onError: @Sendable (RedisError) -> Void) async {
        while !Task.isCancelled {
            do {
                try await refresh()
            } catch {
                onError(error)
            }
            try? await Task.sleep(for: interval)
        }
    }
}
