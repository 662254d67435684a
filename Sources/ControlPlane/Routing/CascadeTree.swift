/// A track's relay tree: rooted at its origin node, a parent (upstream) for
/// every other node that pulls the track.
public struct CascadeTree: Sendable, Equatable, CustomStringConvertible {
    /// The node the track is published on.
    public var origin: String
    /// Upstream of every node in the tree except the origin.
    public var parent: [String: String]
    /// Planning cost of each node's path from the origin, seconds: one-way
    /// delays (RTT / 2) plus the planner's loss, load and hop penalties.
    /// The origin's is 0.
    public var latency: [String: Double]
    /// Needed nodes that no usable trunk path reaches.
    public var unreachable: Set<String>
    /// Nodes given more children than the fan-out bound, because no other
    /// way connected every needed node (the planner's last resort).
    public var fanoutExceeded: Set<String>

    public init(origin: String, parent: [String: String] = [:], latency: [String: Double] = [:],
                unreachable: Set<String> = [], fanoutExceeded: Set<String> = []) {
        self.origin = origin
        self.parent = parent
        self.latency = latency.isEmpty ? [origin: 0] : latency
        self.unreachable = unreachable
        self.fanoutExceeded = fanoutExceeded
    }

    /// Every node of the tree, the origin included.
    public var nodes: Set<String> { Set(parent.keys).union([origin]) }

    public func contains(_ node: String) -> Bool { node == origin || parent[node] != nil }

    /// Direct downstream nodes of `node`, sorted by id.
    public func children(of node: String) -> [String] {
        parent.filter { $0.value == node }.map(\.key).sorted()
    }

    /// The nodes from the origin to `node`, both included; empty when `node` is not in the tree.
    public func path(to node: String) -> [String] {
        guard contains(node) else { return [] }
        var path = [node]
        var current = node
        while let up = parent[current], path.count <= parent.count {
            path.append(up)
            current = up
        }
        return path.reversed()
    }

    /// Every node but the origin, parents before children (breadth first,
    /// siblings by id): the order to issue pulls in.
    public var topDown: [String] {
        var order: [String] = []
        var frontier = [origin]
        var seen: Set<String> = [origin]
        while !frontier.isEmpty {
            var next: [String] = []
            for node in frontier {
                for child in children(of: node) where seen.insert(child).inserted {
                    order.append(child)
                    next.append(child)
                }
            }
            frontier = next
        }
        return order
    }

    public var description: String {
        let edges = topDown.compactMap { node in parent[node].map { "\($0)→\(node)" } }
        return "tree(\(origin): \(edges.joined(separator: ", ")))"
    }
}
