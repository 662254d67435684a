import Synchronization
import Telemetry
import Trunk

/// A Prometheus histogram with fixed labels (cumulative buckets, sum, count),
/// safe from any thread. Rendered by `LabelledHistograms`.
final class LabelledHistogram: Sendable {
    let labels: [(String, String)]
    let bounds: [Double]
    private let state: Mutex<(counts: [UInt64], sum: Double, count: UInt64)>

    init(labels: [(String, String)], bounds: [Double]) {
        self.labels = labels
        self.bounds = bounds
        self.state = Mutex((Array(repeating: 0, count: bounds.count), 0, 0))
    }

    func observe(_ value: Double) {
        state.withLock { state in
            if let index = bounds.firstIndex(where: { value <= $0 }) { state.counts[index] &+= 1 }
            state.sum += value
            state.count &+= 1
        }
    }

    var count: UInt64 { state.withLock { $0.count } }

    func render(name: String) -> String {
        let (counts, sum, count) = state.withLock { $0 }
        let base = labels.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ",")
        var out = ""
        var cumulative: UInt64 = 0
        for (bound, bucket) in zip(bounds, counts) {
            cumulative &+= bucket
            out += "\(name)_bucket{\(base),le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "\(name)_bucket{\(base),le=\"+Inf\"} \(count)\n"
        out += "\(name)_sum{\(base)} \(sum)\n\(name)_count{\(base)} \(count)\n"
        return out
    }
}

/// One histogram family whose series appear on first use (one per label set).
final class LabelledHistograms: Sendable {
    let name: String
    let help: String
    let bounds: [Double]
    private let series = Mutex<[String: LabelledHistogram]>([:])

    init(name: String, help: String, bounds: [Double]) {
        self.name = name
        self.help = help
        self.bounds = bounds
    }

    /// The series of `labels` (created on first use).
    func series(_ labels: [(String, String)]) -> LabelledHistogram {
        let key = labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        return series.withLock { all in
            if let existing = all[key] { return existing }
            let created = LabelledHistogram(labels: labels, bounds: bounds)
            all[key] = created
            return created
        }
    }

    func render() -> String {
        let all = series.withLock { $0.sorted { $0.key < $1.key }.map(\.value) }
        guard !all.isEmpty else { return "" }
        return "# HELP \(name) \(help)\n# TYPE \(name) histogram\n" + all.map { $0.render(name: name) }.joined()
    }
}

/// The trunk metrics of docs/metrics.md: delays by region pair, frames and
/// bytes per trunk and direction, drops by reason, relayed tracks.
final class TrunkMetrics: Sendable {
    static let delayBounds: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4,
        0.5, 0.75, 1, 2,
    ]
    static let hopBounds: [Double] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05]

    let registry: MetricsRegistry
    let nodeLabels: [(String, String)]
    let region: String
    let rtt: LabelledHistograms
    let oneWayDelay: LabelledHistograms
    /// Per-hop forwarding latency: trunk datagram in → copies out (decrypt, route, re-encrypt).
    let hopLatency: LabelledHistograms
    let hopLatencySeries: LabelledHistogram
    let relayedTracks: Gauge
    /// RTP packets sealed into trunk data frames by simulcast layer (index 0...2; higher layers count as 2).
    let layerPackets: [Counter]
    private let drops: [TrunkDropReason: Counter]

    init(registry: MetricsRegistry, nodeID: String, region: String) {
        self.registry = registry
        self.region = region
        nodeLabels = [("node", nodeID), ("region", region)]
        rtt = LabelledHistograms(
            name: "edgemesh_trunk_rtt_seconds", help: "Round-trip time of trunk ping/pong frames, measured at from_region.",
            bounds: Self.delayBounds)
        oneWayDelay = LabelledHistograms(
            name: "edgemesh_trunk_one_way_delay_seconds",
            help: "One-way trunk delay from_region to to_region (ping/pong wall clocks, NTP-synchronised nodes).",
            bounds: Self.delayBounds)
        hopLatency = LabelledHistograms(
            name: "edgemesh_trunk_hop_latency_seconds",
            help: "Time from a trunk data frame arriving to its copies leaving (open, route, re-seal or protect).",
            bounds: Self.hopBounds)
        hopLatencySeries = hopLatency.series(nodeLabels)
        relayedTracks = registry.gauge(
            "edgemesh_trunk_relayed_tracks", help: "Tracks this node relays to or from other nodes.", labels: nodeLabels)
        layerPackets = (0..<3).map { layer in
            registry.counter(
                "edgemesh_trunk_layer_packets_total", help: "RTP packets sent over trunks, by simulcast layer.",
                labels: [("node", nodeID), ("region", region), ("layer", String(layer))])
        }
        var drops: [TrunkDropReason: Counter] = [:]
        for reason in TrunkDropReason.allCases {
            drops[reason] = registry.counter(
                "edgemesh_trunk_drops_total", help: "Trunk datagrams dropped, by reason.",
                labels: nodeLabels + [("reason", reason.metricLabel)])
        }
        self.drops = drops
    }

    func drop(_ reason: TrunkDropReason) { drops[reason]?.increment() }

    func dropCounts() -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for (reason, counter) in drops { out[reason.metricLabel] = counter.current }
        return out
    }

    /// Frame and byte counters of one trunk direction.
    func traffic(from: String, to: String, direction: String) -> (packets: Counter, bytes: Counter) {
        let labels = nodeLabels + [("from_region", from), ("to_region", to), ("direction", direction)]
        return (
            registry.counter("edgemesh_trunk_packets_total", help: "Trunk frames by region pair and direction.", labels: labels),
            registry.counter("edgemesh_trunk_bytes_total", help: "Trunk datagram bytes by region pair and direction.", labels: labels)
        )
    }

    /// The delay histograms of one region pair.
    func delays(from: String, to: String) -> (rtt: LabelledHistogram, oneWay: LabelledHistogram) {
        let labels = nodeLabels + [("from_region", from), ("to_region", to)]
        return (rtt.series(labels), oneWayDelay.series(labels))
    }

    /// Histogram text for the metrics endpoint.
    func renderHistograms() -> String {
        rtt.render() + oneWayDelay.render() + hopLatency.render()
    }
}
