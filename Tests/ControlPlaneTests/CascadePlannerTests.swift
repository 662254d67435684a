import Testing

@testable import ControlPlane

/// A topology from `(a, b, rtt ms, loss)` edges; every named node is usable.
private func topology(_ edges: [(String, String, Double, Double)], extraNodes: [String] = [],
                      load: [String: Double] = [:]) -> MeshTopology {
    var links: [NodePair: LinkCost] = [:]
    var nodes = Set(extraNodes)
    for (a, b, rtt, loss) in edges {
        links[NodePair(a, b)] = LinkCost(rttSeconds: rtt / 1000, loss: loss)
        nodes.formUnion([a, b])
    }
    return MeshTopology(nodes: nodes, links: links, load: load)
}

private func planner(fanout: Int = 4, lossPenalty: Double = 0.5) -> CascadePlanner {
    CascadePlanner(configuration: .init(maxFanout: fanout, lossPenalty: lossPenalty))
}

struct PlanCase: Sendable, CustomTestStringConvertible {
    var name: String
    var edges: [(String, String, Double, Double)]
    var extraNodes: [String] = []
    var load: [String: Double] = [:]
    var targets: Set<String>
    var fanout = 4
    var lossPenalty = 0.5
    /// Expected parent of every node in the tree.
    var parents: [String: String]
    var unreachable: Set<String> = []
    var exceeded: Set<String> = []

    var testDescription: String { name }
}

// RTTs are round trips: one-way 40 ms is an RTT of 80 ms.
private let planCases: [PlanCase] = [
    PlanCase(name: "relay through B beats A–C direct (150 ms vs 40+40 one way)",
             edges: [("A", "B", 80, 0), ("B", "C", 80, 0), ("A", "C", 300, 0)],
             targets: ["B", "C"], parents: ["B": "A", "C": "B"]),
    PlanCase(name: "B needs nothing but relays, because that lowers C's latency",
             edges: [("A", "B", 80, 0), ("B", "C", 80, 0), ("A", "C", 300, 0)],
             targets: ["C"], parents: ["B": "A", "C": "B"]),
    PlanCase(name: "direct wins when it is shorter",
             edges: [("A", "B", 80, 0), ("B", "C", 80, 0), ("A", "C", 120, 0)],
             targets: ["B", "C"], parents: ["B": "A", "C": "A"]),
    PlanCase(name: "a relay that needs nothing is left out when it does not help",
             edges: [("A", "B", 80, 0), ("B", "C", 80, 0), ("A", "C", 120, 0)],
             targets: ["C"], parents: ["C": "A"]),
    PlanCase(name: "fan-out 1 makes a chain, by id among equals",
             edges: [("A", "B", 40, 0), ("A", "C", 40, 0), ("A", "D", 40, 0),
                     ("B", "C", 40, 0), ("B", "D", 40, 0), ("C", "D", 40, 0)],
             targets: ["B", "C", "D"], fanout: 1, parents: ["B": "A", "C": "B", "D": "C"]),
    PlanCase(name: "fan-out 2: the origin sends twice, the rest hang below",
             edges: [("A", "B", 40, 0), ("A", "C", 40, 0), ("A", "D", 40, 0), ("A", "E", 40, 0),
                     ("B", "D", 40, 0), ("B", "E", 40, 0), ("C", "D", 40, 0), ("C", "E", 40, 0)],
             targets: ["B", "C", "D", "E"], fanout: 2, parents: ["B": "A", "C": "A", "D": "B", "E": "B"]),
    PlanCase(name: "a node with no trunk, and one not in the mesh, are unreachable",
             edges: [("A", "B", 40, 0)], extraNodes: ["E"],
             targets: ["B", "E", "Z"], parents: ["B": "A"], unreachable: ["E", "Z"]),
    PlanCase(name: "bounds that cannot hold are exceeded rather than leaving a node out",
             edges: [("A", "B", 40, 0), ("A", "C", 40, 0)],
             targets: ["B", "C"], fanout: 1, parents: ["B": "A", "C": "A"], exceeded: ["A"]),
    PlanCase(name: "a full origin reaches a node through a relay outside the tree",
             edges: [("A", "B", 40, 0), ("A", "C", 40, 0), ("B", "D", 40, 0), ("D", "C", 40, 0)],
             targets: ["B", "C"], fanout: 1, parents: ["B": "A", "D": "B", "C": "D"]),
    PlanCase(name: "loss is penalised: 20 % loss on A–C sends C through B",
             edges: [("A", "B", 80, 0), ("B", "C", 80, 0), ("A", "C", 100, 0.2)],
             targets: ["B", "C"], parents: ["B": "A", "C": "B"]),
    PlanCase(name: "without a loss penalty the lossy direct trunk wins",
             edges: [("A", "B", 80, 0), ("B", "C", 80, 0), ("A", "C", 100, 0.2)],
             targets: ["B", "C"], lossPenalty: 0, parents: ["B": "A", "C": "A"]),
    PlanCase(name: "equal paths: the smaller parent id",
             edges: [("A", "B", 40, 0), ("A", "C", 40, 0), ("B", "D", 40, 0), ("C", "D", 40, 0)],
             targets: ["B", "C", "D"], parents: ["B": "A", "C": "A", "D": "B"]),
    PlanCase(name: "load steers relaying to the idle one of two equal relays",
             edges: [("A", "B1", 80, 0), ("A", "B2", 80, 0), ("B1", "C", 80, 0), ("B2", "C", 80, 0), ("A", "C", 400, 0)],
             load: ["B1": 1.0], targets: ["C"], parents: ["B2": "A", "C": "B2"]),
    PlanCase(name: "only the origin needs it: empty tree",
             edges: [("A", "B", 40, 0)], targets: ["A"], parents: [:]),
]

@Suite("CascadePlanner")
struct CascadePlannerTests {
    @Test(arguments: planCases)
    func plans(_ c: PlanCase) {
        let tree = planner(fanout: c.fanout, lossPenalty: c.lossPenalty)
            .plan(origin: "A", targets: c.targets, topology: topology(c.edges, extraNodes: c.extraNodes, load: c.load))
        #expect(tree.parent == c.parents)
        #expect(tree.unreachable == c.unreachable)
        #expect(tree.fanoutExceeded == c.exceeded)
        for node in tree.nodes where !tree.fanoutExceeded.contains(node) {
            #expect(tree.children(of: node).count <= c.fanout)
        }
    }

    @Test func cascadeLatencyIsTheSumOfOneWayDelays() throws {
        let tree = planner().plan(origin: "A", targets: ["B", "C"],
                                  topology: topology([("A", "B", 80, 0), ("B", "C", 80, 0), ("A", "C", 300, 0)]))
        // 40 ms + 40 ms + 1 ms relay hop through B.
        #expect(try #require(tree.latency["C"]) == 0.081)
        #expect(tree.latency["B"] == 0.040)
        #expect(tree.path(to: "C") == ["A", "B", "C"])
        #expect(tree.topDown == ["B", "C"])
    }

    @Test func theSameInputGivesTheSameTree() {
        var edges: [(String, String, Double, Double)] = []
        let names = (0..<12).map { "n\($0)" }
        for (i, a) in names.enumerated() {
            for b in names[(i + 1)...] { edges.append((a, b, 40, 0)) }
        }
        let first = planner(fanout: 3).plan(origin: "n0", targets: Set(names), topology: topology(edges))
        for _ in 0..<5 {
            let again = planner(fanout: 3).plan(origin: "n0", targets: Set(names), topology: topology(edges.shuffled()))
            #expect(again == first)
        }
        #expect(first.children(of: "n0").count == 3)
        #expect(first.nodes.count == 12)
        #expect(first.fanoutExceeded.isEmpty)
    }

    @Test func topDownPutsParentsFirst() {
        let tree = CascadeTree(origin: "A", parent: ["D": "C", "C": "B", "B": "A", "E": "A"])
        #expect(tree.topDown == ["B", "E", "C", "D"])
        #expect(tree.path(to: "D") == ["A", "B", "C", "D"])
        #expect(tree.path(to: "Q").isEmpty)
    }
}
