import Testing

@testable import ControlPlane

private func mesh(_ edges: [(String, String, Double)], nodes extra: [String] = []) -> MeshTopology {
    var links: [NodePair: LinkCost] = [:]
    var nodes = Set(extra)
    for (a, b, rtt) in edges {
        links[NodePair(a, b)] = LinkCost(rttSeconds: rtt / 1000)
        nodes.formUnion([a, b])
    }
    return MeshTopology(nodes: nodes, links: links)
}

/// The cascade A→B→C (one way 40 + 40 ms) with A–C direct at `direct` ms RTT.
private func cascade(direct: Double) -> MeshTopology {
    mesh([("A", "B", 80), ("B", "C", 80), ("A", "C", direct)])
}

@Suite("Cascade re-planning")
struct CascadeReplanTests {
    let planner = CascadePlanner()

    private var current: CascadeTree {
        planner.plan(origin: "A", targets: ["B", "C"], topology: cascade(direct: 300))
    }

    struct HysteresisCase: Sendable, CustomTestStringConvertible {
        var name: String
        /// A–C RTT in ms; the current tree is A→B→C (C at 81 ms).
        var direct: Double
        var parentOfC: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        HysteresisCase(name: "direct now 75 ms < 81 ms but only 6 ms better: stay", direct: 150, parentOfC: "B"),
        HysteresisCase(name: "direct now 70 ms: 11 ms but 14 % better: stay", direct: 140, parentOfC: "B"),
        HysteresisCase(name: "direct now 60 ms: 21 ms and 26 % better: switch", direct: 120, parentOfC: "A"),
        HysteresisCase(name: "direct now 200 ms: stay on the relay", direct: 400, parentOfC: "B"),
    ])
    func switchesOnlyWhenClearlyBetter(_ c: HysteresisCase) {
        let next = planner.replan(origin: "A", targets: ["B", "C"], topology: cascade(direct: c.direct), current: current)
        #expect(next.parent["C"] == c.parentOfC)
        #expect(next.parent["B"] == "A")
    }

    @Test func aFailedMiddleNodeMovesItsChildToTheOrigin() {
        var topology = cascade(direct: 300)
        topology.nodes.remove("B")
        let next = planner.replan(origin: "A", targets: ["B", "C"], topology: topology, current: current)
        #expect(next.parent == ["C": "A"])
        #expect(next.unreachable == ["B"])
        #expect(next.latency["C"] == 0.150)
    }

    @Test func aDownTrunkMovesOnlyTheNodesCutOff() {
        // A→B→{C, D}; B–C goes down: C re-attaches, D stays under B.
        let edges: [(String, String, Double)] = [("A", "B", 80), ("B", "C", 80), ("B", "D", 80), ("A", "C", 300),
                                                 ("A", "D", 300), ("C", "D", 100)]
        let before = planner.plan(origin: "A", targets: ["B", "C", "D"], topology: mesh(edges))
        #expect(before.parent == ["B": "A", "C": "B", "D": "B"])
        let after = planner.replan(origin: "A", targets: ["B", "C", "D"],
                                   topology: mesh(edges.filter { !($0.0 == "B" && $0.1 == "C") }), current: before)
        #expect(after.parent == ["B": "A", "D": "B", "C": "D"])
    }

    @Test func aNewNodeIsAttachedWithoutMovingTheOthers() {
        // B and C hang under A; D joins, best reached through C. Fresh and repaired agree here.
        let topology = mesh([("A", "B", 80), ("A", "C", 80), ("C", "D", 40), ("A", "D", 300), ("B", "D", 60)])
        let before = planner.plan(origin: "A", targets: ["B", "C"], topology: topology)
        let after = planner.replan(origin: "A", targets: ["B", "C", "D"], topology: topology, current: before)
        #expect(after.parent == ["B": "A", "C": "A", "D": "C"])
    }

    @Test func aNodeThatNoLongerNeedsTheTrackButRelaysStays() {
        let before = current
        let after = planner.replan(origin: "A", targets: ["C"], topology: cascade(direct: 300), current: before)
        #expect(after.parent == ["B": "A", "C": "B"])
        let gone = planner.replan(origin: "A", targets: ["B"], topology: cascade(direct: 300), current: before)
        #expect(gone.parent == ["B": "A"])
    }

    @Test func isClearlyBetterNeedsBothThresholds() {
        #expect(planner.isClearlyBetter(0.060, than: 0.081))
        #expect(!planner.isClearlyBetter(0.075, than: 0.081))  // 6 ms
        #expect(!planner.isClearlyBetter(0.090, than: 0.105))  // 15 ms but 14 %
        #expect(!planner.isClearlyBetter(0.004, than: 0.012))  // 67 % but 8 ms
    }
}

@Suite("MeshTopology")
struct MeshTopologyTests {
    @Test func bothDirectionsAreAveraged() throws {
        let topology = MeshTopology.build(
            nodes: ["a", "b"],
            reports: ["a": [TrunkReport(peer: "b", established: true, rttSeconds: 0.080, loss: 0.1)],
                      "b": [TrunkReport(peer: "a", established: true, rttSeconds: 0.100, loss: 0)]],
            unmeasuredRTT: 0.3)
        let link = try #require(topology.link("b", "a"))
        #expect(abs(link.rttSeconds - 0.090) < 1e-12)
        #expect(abs(link.loss - 0.05) < 1e-12)
        #expect(link.measured)
    }

    @Test func oneReportIsUsedAlone() throws {
        let topology = MeshTopology.build(
            nodes: ["a", "b"], reports: ["a": [TrunkReport(peer: "b", established: true, rttSeconds: 0.080)]],
            unmeasuredRTT: 0.3)
        #expect(try #require(topology.link("a", "b")).rttSeconds == 0.080)
    }

    @Test func aTrunkEitherEndCallsDownIsLeftOut() {
        let topology = MeshTopology.build(
            nodes: ["a", "b", "c"],
            reports: ["a": [TrunkReport(peer: "b", established: true, rttSeconds: 0.080)],
                      "b": [TrunkReport(peer: "a", established: false)]],
            unmeasuredRTT: 0.3)
        #expect(topology.link("a", "b") == nil)
        #expect(topology.link("a", "c") == LinkCost(rttSeconds: 0.3, loss: 0, measured: false))
    }

    @Test(arguments: [Double.nan, -1, .infinity, 0, 61])
    func nonsenseRTTsCountAsUnmeasured(_ rtt: Double) throws {
        let topology = MeshTopology.build(
            nodes: ["a", "b"], reports: ["a": [TrunkReport(peer: "b", established: true, rttSeconds: rtt, loss: .nan)]],
            unmeasuredRTT: 0.3)
        let link = try #require(topology.link("a", "b"))
        #expect(!link.measured)
        #expect(link.rttSeconds == 0.3)
    }

    @Test func reportsAboutUnknownNodesAreIgnored() {
        let topology = MeshTopology.build(
            nodes: ["a"], reports: ["a": [TrunkReport(peer: "x", established: true, rttSeconds: 0.01)],
                                    "x": [TrunkReport(peer: "a", established: true, rttSeconds: 0.01)]],
            unmeasuredRTT: 0.3)
        #expect(topology.links.isEmpty)
        #expect(topology.link("a", "x") == nil)
    }
}
