import Telemetry

/// The SFU's quality metrics of docs/metrics.md: forwarding latency, packet
/// loss and interarrival jitter in both directions.
final class QualityMetrics: Sendable {
    static let latencyBounds: [Double] = [
        0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    ]
    static let jitterBounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.5]

    let forwardingLatencyFamily: HistogramFamily
    let jitterFamily: HistogramFamily
    /// Time from a publisher's datagram arriving to its copies being queued on the socket.
    let forwardingLatency: HistogramSeries
    let inboundJitter: HistogramSeries
    let outboundJitter: HistogramSeries
    let inboundLost: Counter
    let outboundLost: Counter

    init(registry: MetricsRegistry, nodeID: String, region: String) {
        let labels = [("node", nodeID), ("region", region)]
        forwardingLatencyFamily = HistogramFamily(
            name: "edgemesh_sfu_forwarding_latency_seconds",
            help: "Time from a publisher's datagram arriving to its copies being queued for subscribers "
                + "(decrypt, route, re-encrypt; socket send queueing excluded).",
            bounds: Self.latencyBounds)
        jitterFamily = HistogramFamily(
            name: "edgemesh_sfu_jitter_seconds",
            help: "Interarrival jitter (RFC 3550 A.8) every RTCP interval: inbound as measured per producer layer, "
                + "outbound as subscribers report it.",
            bounds: Self.jitterBounds)
        forwardingLatency = forwardingLatencyFamily.series(labels)
        inboundJitter = jitterFamily.series(labels + [("direction", "inbound")])
        outboundJitter = jitterFamily.series(labels + [("direction", "outbound")])
        let help = "Packets lost: inbound on publishers' paths (RFC 3550 cumulative loss), outbound as subscribers report it."
        inboundLost = registry.counter("edgemesh_sfu_packets_lost_total", help: help, labels: labels + [("direction", "inbound")])
        outboundLost = registry.counter("edgemesh_sfu_packets_lost_total", help: help, labels: labels + [("direction", "outbound")])
    }

    /// The histogram families in the Prometheus text format.
    func renderHistograms() -> String {
        forwardingLatencyFamily.render() + jitterFamily.render()
    }
}

/// Per-SSRC cumulative loss last seen, so counters grow by the increase.
struct LossTracker {
    static let limit = 10_000
    private var last: [UInt32: Int32] = [:]

    /// The increase of `cumulative` since the last report for `ssrc` (0 on the first, never negative).
    mutating func increase(ssrc: UInt32, cumulative: Int32) -> UInt64 {
        // Bounded: SSRCs of closed streams are not tracked one by one; past
        // the bound everything is forgotten (each stream then skips one delta).
        if last.count >= Self.limit, last[ssrc] == nil { last.removeAll(keepingCapacity: true) }
        defer { last[ssrc] = cumulative }
        guard let previous = last[ssrc], cumulative > previous else { return 0 }
        return UInt64(cumulative - previous)
    }
}
