/// The tree `CascadePlanner` grows: path costs in microseconds, hop counts
/// and child counts of its nodes. Every choice breaks ties the same way:
/// lower cost, then fewer hops, then smaller ids.
struct TreeGrowth {
    let origin: String
    let planner: CascadePlanner
    let topology: MeshTopology
    private(set) var parent: [String: String] = [:]
    private(set) var cost: [String: Int]
    private var hops: [String: Int]
    private var childCount: [String: Int] = [:]
    private var exceeded: Set<String> = []

    init(origin: String, planner: CascadePlanner, topology: MeshTopology) {
        self.origin = origin
        self.planner = planner
        self.topology = topology
        cost = [origin: 0]
        hops = [origin: 0]
    }

    var members: Set<String> { Set(cost.keys) }

    private var maxFanout: Int { planner.configuration.maxFanout }

    private func edge(_ u: String, _ v: String) -> Int? { planner.edgeCost(u, v, origin: origin, in: topology) }

    private func hasRoom(_ node: String) -> Bool { childCount[node, default: 0] < maxFanout }

    /// Unbounded shortest paths from the origin (Dijkstra): cost and predecessor of every reachable node.
    func shortestPaths() -> (distances: [String: Int], predecessors: [String: String]) {
        guard topology.nodes.contains(origin) else { return ([origin: 0], [:]) }
        var distance: [String: Int] = [origin: 0]
        var hopCount: [String: Int] = [origin: 0]
        var predecessor: [String: String] = [:]
        var done: Set<String> = []
        while true {
            let open = distance.filter { !done.contains($0.key) }
            guard let (node, nodeCost) = open.min(by: { a, b in
                (a.value, hopCount[a.key, default: 0], a.key) < (b.value, hopCount[b.key, default: 0], b.key)
            }) else { break }
            done.insert(node)
            let nodeHops = hopCount[node, default: 0]
            for next in topology.neighbours(of: node) where !done.contains(next) {
                guard let step = edge(node, next) else { continue }
                let candidate = (nodeCost + step, nodeHops + 1, node)
                if let known = distance[next],
                   (known, hopCount[next, default: 0], predecessor[next] ?? "") <= candidate { continue }
                distance[next] = candidate.0
                hopCount[next] = candidate.1
                predecessor[next] = node
            }
        }
        return (distance, predecessor)
    }

    /// Adds `node` under `up`; false when `up` is not in the tree, `node`
    /// already is, there is no trunk, or (when enforced) `up` is full.
    @discardableResult
    mutating func attach(_ node: String, to up: String, enforceFanout: Bool) -> Bool {
        guard node != origin, cost[node] == nil, let upCost = cost[up], let step = edge(up, node) else { return false }
        if !hasRoom(up) {
            guard !enforceFanout else { return false }
            exceeded.insert(up)
        }
        parent[node] = up
        cost[node] = upCost + step
        hops[node] = hops[up, default: 0] + 1
        childCount[up, default: 0] += 1
        return true
    }

    /// The cheapest (node, parent) with `node` from `nodes` outside the tree
    /// and the parent inside it (with a free slot when `enforceFanout`).
    func cheapest(among nodes: Set<String>, enforceFanout: Bool) -> (String, String)? {
        var best: (key: (Int, Int, String, String), node: String, up: String)?
        for up in cost.keys where !enforceFanout || hasRoom(up) {
            guard let upCost = cost[up] else { continue }
            for node in nodes where cost[node] == nil {
                guard let step = edge(up, node) else { continue }
                let key = (upCost + step, hops[up, default: 0] + 1, node, up)
                if best.map({ key < $0.key }) ?? true { best = (key, node, up) }
            }
        }
        return best.map { ($0.node, $0.up) }
    }

    /// The cheapest tree node → relay (outside the tree) → target detour,
    /// for when every direct attachment is blocked by fan-out.
    func cheapestDetour(to targets: Set<String>) -> (relay: String, node: String, up: String)? {
        var best: (key: (Int, Int, String, String, String), relay: String, node: String, up: String)?
        let outside = topology.nodes.filter { cost[$0] == nil }
        for up in cost.keys where hasRoom(up) {
            guard let upCost = cost[up] else { continue }
            for relay in outside {
                guard let first = edge(up, relay) else { continue }
                for node in targets where node != relay && cost[node] == nil {
                    guard let second = planner.edgeCost(relay, node, origin: origin, in: topology) else { continue }
                    let key = (upCost + first + second, hops[up, default: 0] + 2, node, relay, up)
                    if best.map({ key < $0.key }) ?? true { best = (key, relay, node, up) }
                }
            }
        }
        return best.map { ($0.relay, $0.node, $0.up) }
    }

    /// Removes, repeatedly, nodes that are not wanted and relay to nobody.
    mutating func prune(keeping wanted: Set<String>) {
        while let leaf = parent.keys.sorted().first(where: { !wanted.contains($0) && childCount[$0, default: 0] == 0 }) {
            if let up = parent.removeValue(forKey: leaf) { childCount[up, default: 1] -= 1 }
            cost[leaf] = nil
            hops[leaf] = nil
        }
        exceeded = exceeded.filter { childCount[$0, default: 0] > maxFanout }
    }

    func tree() -> CascadeTree {
        CascadeTree(origin: origin, parent: parent,
                    latency: cost.mapValues { Double($0) / 1_000_000 }, fanoutExceeded: exceeded)
    }
}
