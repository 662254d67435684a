import Telemetry
import Trunk

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
    let rtt: HistogramFamily
    let oneWayDelay: HistogramFamily
    /// Per-hop forwarding latency: trunk datagram in → copies out (decrypt, route, re-encrypt).
    let hopLatency: HistogramFamily
    let hopLatencySeries: HistogramSeries
    let relayedTracks: Gauge
    /// Publisher sender reports passed on to downstream nodes, and received from upstream ones.
    let senderReportsSent: Counter
    let senderReportsReceived: Counter
    /// RTP packets sealed into trunk data frames by simulcast layer (index 0...2; higher layers count as 2).
    let layerPackets: [Counter]
    private let drops: [TrunkDropReason: Counter]

    init(registry: MetricsRegistry, nodeID: String, region: String) {
        self.registry = registry
        self.region = region
        nodeLabels = [("node", nodeID), ("region", region)]
        rtt = HistogramFamily(
            name: "edgemesh_trunk_rtt_seconds", help: "Round-trip time of trunk ping/pong frames, measured at from_region.",
            bounds: Self.delayBounds)
        oneWayDelay = HistogramFamily(
            name: "edgemesh_trunk_one_way_delay_seconds",
            help: "One-way trunk delay from_region to to_region (ping/pong wall clocks, NTP-synchronised nodes).",
            bounds: Self.delayBounds)
        hopLatency = HistogramFamily(
            name: "edgemesh_trunk_hop_latency_seconds",
            help: "Time from a trunk data frame arriving to its copies leaving (open, route, re-seal or protect).",
            bounds: Self.hopBounds)
        hopLatencySeries = hopLatency.series(nodeLabels)
        let srHelp = "Publisher sender reports relayed over trunks (RTCP data frames), by direction."
        senderReportsSent = registry.counter(
            "edgemesh_trunk_sender_reports_total", help: srHelp, labels: nodeLabels + [("direction", "sent")])
        senderReportsReceived = registry.counter(
            "edgemesh_trunk_sender_reports_total", help: srHelp, labels: nodeLabels + [("direction", "received")])
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
    func delays(from: String, to: String) -> (rtt: HistogramSeries, oneWay: HistogramSeries) {
        let labels = nodeLabels + [("from_region", from), ("to_region", to)]
        return (rtt.series(labels), oneWayDelay.series(labels))
    }

    /// Histogram text for the metrics endpoint.
    func renderHistograms() -> String {
        rtt.render() + oneWayDelay.render() + hopLatency.render()
    }
}
