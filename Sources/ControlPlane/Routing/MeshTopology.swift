/// An unordered pair of node ids (a trunk between two nodes, either direction).
public struct NodePair: Sendable, Hashable, CustomStringConvertible {
    /// The smaller id.
    public let first: String
    /// The larger id.
    public let second: String

    public init(_ a: String, _ b: String) {
        (first, second) = a <= b ? (a, b) : (b, a)
    }

    public var description: String { "\(first)–\(second)" }
}

/// What the planner knows about one usable trunk.
public struct LinkCost: Sendable, Hashable {
    /// Round-trip time, seconds (finite, ≥ 0).
    public var rttSeconds: Double
    /// Fraction of trunk pings lost, 0 … 1.
    public var loss: Double
    /// False when no node reported an RTT for this trunk yet (the cost is a default).
    public var measured: Bool

    public init(rttSeconds: Double, loss: Double = 0, measured: Bool = true) {
        self.rttSeconds = rttSeconds.isFinite ? max(0, rttSeconds) : 0
        self.loss = loss.isFinite ? min(max(loss, 0), 1) : 0
        self.measured = measured
    }
}

/// One trunk as a node reports it (`NodeStats.trunks`).
public struct TrunkReport: Sendable, Hashable {
    public var peer: String
    public var established: Bool
    /// Smoothed RTT, seconds; 0 before the first pong.
    public var rttSeconds: Double
    public var oneWayDelaySeconds: Double
    public var loss: Double

    public init(peer: String, established: Bool, rttSeconds: Double = 0, oneWayDelaySeconds: Double = 0, loss: Double = 0) {
        self.peer = peer
        self.established = established
        self.rttSeconds = rttSeconds
        self.oneWayDelaySeconds = oneWayDelaySeconds
        self.loss = loss
    }
}

/// The graph the cascade planner works on: usable nodes, the trunks between
/// them with their measured costs, and optionally each node's load.
/// Links are symmetric; a pair without an entry has no usable trunk.
public struct MeshTopology: Sendable, Equatable {
    public var nodes: Set<String>
    public var links: [NodePair: LinkCost]
    /// Load of a node, 0 (idle) … 1 (full); absent means 0.
    public var load: [String: Double]
    /// Usable nodes that are draining: they may still originate a track or
    /// receive one for their own participants, but take no new relay role
    /// (the planner routes around them unless a node has no other path).
    public var draining: Set<String>

    public init(nodes: Set<String> = [], links: [NodePair: LinkCost] = [:], load: [String: Double] = [:],
                draining: Set<String> = []) {
        self.nodes = nodes
        self.links = links
        self.load = load
        self.draining = draining
    }

    /// The trunk between two usable nodes, if any.
    public func link(_ a: String, _ b: String) -> LinkCost? {
        guard a != b, nodes.contains(a), nodes.contains(b) else { return nil }
        return links[NodePair(a, b)]
    }

    /// Usable nodes linked to `node`, sorted by id.
    public func neighbours(of node: String) -> [String] {
        nodes.filter { link(node, $0) != nil }.sorted()
    }

    /// Builds the topology from every node's own trunk reports.
    ///
    /// - A trunk that either end reports as not established is down (left out).
    /// - When both ends report an RTT the link gets the average of the two
    ///   (and of their losses); one report is used alone.
    /// - A pair of usable nodes that neither reports (no trunk yet), or whose
    ///   trunk has no RTT yet, gets `unmeasuredRTT` with `measured == false`,
    ///   so a track can still be pulled directly (the trunk is opened on demand).
    /// - RTTs that are not finite, negative or above 60 s are ignored.
    public static func build(nodes: Set<String>, reports: [String: [TrunkReport]], load: [String: Double] = [:],
                             draining: Set<String> = [], unmeasuredRTT: Double) -> MeshTopology {
        var down: Set<NodePair> = []
        var samples: [NodePair: [(rtt: Double, loss: Double)]] = [:]
        for (reporter, trunks) in reports where nodes.contains(reporter) {
            for trunk in trunks where trunk.peer != reporter && nodes.contains(trunk.peer) {
                let pair = NodePair(reporter, trunk.peer)
                guard trunk.established else {
                    down.insert(pair)
                    continue
                }
                let rtt = trunk.rttSeconds
                guard rtt.isFinite, rtt > 0, rtt <= 60 else { continue }
                let loss = trunk.loss.isFinite ? min(max(trunk.loss, 0), 1) : 0
                samples[pair, default: []].append((rtt, loss))
            }
        }
        var links: [NodePair: LinkCost] = [:]
        let sorted = nodes.sorted()
        for (index, a) in sorted.enumerated() {
            for b in sorted[(index + 1)...] {
                let pair = NodePair(a, b)
                guard !down.contains(pair) else { continue }
                if let measured = samples[pair], !measured.isEmpty {
                    let count = Double(measured.count)
                    links[pair] = LinkCost(rttSeconds: measured.map(\.rtt).reduce(0, +) / count,
                                           loss: measured.map(\.loss).reduce(0, +) / count)
                } else {
                    links[pair] = LinkCost(rttSeconds: unmeasuredRTT, loss: 0, measured: false)
                }
            }
        }
        return MeshTopology(nodes: nodes, links: links, load: load, draining: draining.intersection(nodes))
    }
}
