/// Plans a track's relay tree over the measured trunks (ARCHITECTURE.md
/// "Cascading"): pure logic, deterministic for equal inputs.
///
/// Edge cost from `u` to `v`: RTT/2 + `lossPenalty` × loss, plus, when `u`
/// relays (is not the origin), `relayHopPenalty` + `loadPenalty` × load(u).
/// Costs are compared in whole microseconds; ties go to fewer hops, then to
/// the smaller child id, then to the smaller parent id.
///
/// Algorithm (a fan-out-bounded shortest-path tree):
/// 1. Dijkstra from the origin over every usable node gives each needed
///    node's best path; nodes that need nothing join the candidate set only
///    when they lie on such a path (they lower someone's latency).
/// 2. Prim-style growth on path latency: repeatedly attach the candidate
///    whose path cost through a tree node with a free slot (fewer than
///    `maxFanout` children) is lowest. Without binding bounds this is exactly
///    the shortest-path tree.
/// 3. When no candidate fits, a relay outside the candidates may be added
///    (tree node → relay → needed node); failing that the bound is exceeded
///    at the cheapest parent (recorded in `fanoutExceeded`), so every
///    reachable node is still connected.
/// 4. Nodes that need nothing and relay to nobody are pruned.
///
/// Draining nodes (`MeshTopology.draining`) relay for nobody: a draining
/// origin still sends and a draining node still receives for its own
/// participants, but trees are grown around them. Only a node with no other
/// path is attached through a draining relay (so a drain never cuts a node off).
///
/// `plan(…, keeping:)` first keeps the still-valid part of an existing tree
/// (edges whose trunk and nodes are usable), then attaches what is missing:
/// re-planning after a failure moves only the nodes cut off.
/// `replan` compares that repaired tree with a fresh plan and switches only
/// when the fresh one is clearly better (hysteresis).
public struct CascadePlanner: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Most downstream nodes one node sends a track to (`MESH_MAX_FANOUT`). Default 4.
        public var maxFanout: Int = 4
        /// Seconds of cost per unit of loss (0.5: 10 % loss counts as 50 ms). Default 0.5.
        public var lossPenalty: Double = 0.5
        /// Seconds of cost for relaying through a node at full load. Default 0.02.
        public var loadPenalty: Double = 0.02
        /// Seconds of cost per relay hop (forwarding time, and a preference for
        /// fewer hops when paths are about equal). Default 0.001.
        public var relayHopPenalty: Double = 0.001
        /// `replan` switches when a node's path gets shorter by more than this
        /// fraction … Default 0.2.
        public var switchRatio: Double = 0.2
        /// … and by more than this many seconds. Default 0.010.
        public var switchMinimum: Double = 0.010

        public init(maxFanout: Int = 4, lossPenalty: Double = 0.5, loadPenalty: Double = 0.02,
                    relayHopPenalty: Double = 0.001, switchRatio: Double = 0.2, switchMinimum: Double = 0.010) {
            self.maxFanout = max(1, maxFanout)
            self.lossPenalty = lossPenalty
            self.loadPenalty = loadPenalty
            self.relayHopPenalty = relayHopPenalty
            self.switchRatio = switchRatio
            self.switchMinimum = switchMinimum
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Cost of sending from `u` to `v` in microseconds, nil without a usable
    /// trunk or when `u` would relay while draining.
    func edgeCost(_ u: String, _ v: String, origin: String, in topology: MeshTopology) -> Int? {
        guard u == origin || !topology.draining.contains(u), let link = topology.link(u, v) else { return nil }
        var seconds = link.rttSeconds / 2 + configuration.lossPenalty * link.loss
        if u != origin {
            let load = topology.load[u].map { $0.isFinite ? min(max($0, 0), 1) : 0 } ?? 0
            seconds += configuration.relayHopPenalty + configuration.loadPenalty * load
        }
        guard seconds.isFinite, seconds >= 0, seconds < 3600 else { return nil }
        return Int((seconds * 1_000_000).rounded())
    }

    /// The relay tree reaching every node of `targets` from `origin`.
    /// - Parameter keeping: a tree to keep as much of as is still usable.
    public func plan(origin: String, targets: Set<String>, topology: MeshTopology, keeping: CascadeTree? = nil) -> CascadeTree {
        let tree = grow(origin: origin, targets: targets, topology: topology, keeping: keeping)
        guard !tree.unreachable.isEmpty, !topology.draining.subtracting([origin]).isEmpty else { return tree }
        // Last resort: reach what is cut off through draining relays, keeping everything planned around them.
        var relaxed = topology
        relaxed.draining = []
        let fallback = grow(origin: origin, targets: targets, topology: relaxed, keeping: tree)
        return fallback.unreachable.count < tree.unreachable.count ? fallback : tree
    }

    private func grow(origin: String, targets: Set<String>, topology: MeshTopology, keeping: CascadeTree?) -> CascadeTree {
        var growth = TreeGrowth(origin: origin, planner: self, topology: topology)
        let wanted = targets.subtracting([origin])
        let (distances, predecessors) = growth.shortestPaths()
        var unreachable: Set<String> = []
        var candidates: Set<String> = []
        for target in wanted {
            guard distances[target] != nil else {
                unreachable.insert(target)
                continue
            }
            var node = target
            while node != origin, candidates.insert(node).inserted, let up = predecessors[node] { node = up }
        }
        if let keeping, keeping.origin == origin, topology.nodes.contains(origin) {
            for node in keeping.topDown {
                guard let up = keeping.parent[node] else { continue }
                growth.attach(node, to: up, enforceFanout: true)
            }
        }
        let reachable = wanted.subtracting(unreachable)
        while !reachable.isSubset(of: growth.members) {
            if let (node, up) = growth.cheapest(among: candidates, enforceFanout: true) {
                growth.attach(node, to: up, enforceFanout: true)
            } else if let (relay, node, up) = growth.cheapestDetour(to: reachable) {
                growth.attach(relay, to: up, enforceFanout: true)
                growth.attach(node, to: relay, enforceFanout: true)
            } else if let (node, up) = growth.cheapest(among: candidates.union(reachable), enforceFanout: false) {
                growth.attach(node, to: up, enforceFanout: false)
            } else {
                break
            }
        }
        growth.prune(keeping: wanted)
        var tree = growth.tree()
        tree.unreachable = unreachable.union(reachable.subtracting(growth.members))
        return tree
    }

    /// Re-plans with hysteresis: repairs `current` (keeps what still works,
    /// attaches what is missing) and switches to a fresh plan only when it
    /// reaches more nodes, or some node's path gets shorter by more than
    /// `switchRatio` and `switchMinimum` while the total over all nodes drops.
    public func replan(origin: String, targets: Set<String>, topology: MeshTopology, current: CascadeTree?) -> CascadeTree {
        let fresh = plan(origin: origin, targets: targets, topology: topology)
        guard let current, current.origin == origin else { return fresh }
        let repaired = plan(origin: origin, targets: targets, topology: topology, keeping: current)
        if fresh.unreachable.count < repaired.unreachable.count { return fresh }
        if fresh.fanoutExceeded.count < repaired.fanoutExceeded.count { return fresh }
        let needed = targets.subtracting([origin]).subtracting(repaired.unreachable)
        var clearlyBetter = false
        var freshTotal = 0.0
        var repairedTotal = 0.0
        for node in needed {
            guard let old = repaired.latency[node], let new = fresh.latency[node] else { continue }
            freshTotal += new
            repairedTotal += old
            if old - new > configuration.switchMinimum, old - new > configuration.switchRatio * old { clearlyBetter = true }
        }
        return clearlyBetter && freshTotal < repairedTotal ? fresh : repaired
    }

    /// Whether a path cost of `proposed` seconds is enough better than `current` to switch to.
    public func isClearlyBetter(_ proposed: Double, than current: Double) -> Bool {
        current - proposed > configuration.switchMinimum && current - proposed > configuration.switchRatio * current
    }
}
