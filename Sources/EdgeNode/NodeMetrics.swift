import Telemetry

/// Why a packet was dropped; the `reason` label of `edgemesh_sfu_drops_total`.
enum DropReason: String, CaseIterable, Sendable {
    case stunIntegrity = "stun_integrity"
    case dtls
    case srtpAuth = "srtp_auth"
    case srtpReplay = "srtp_replay"
    case srtpProtect = "srtp_protect"
    case malformed
    case unknownTransport = "unknown_transport"
    case unknownSSRC = "unknown_ssrc"
    case unknownPayloadType = "unknown_payload_type"
    case unexpectedMedia = "unexpected_media"
    case paddingOnly = "padding_only"
    /// A frame dropped from a full ICE-TCP write queue (a slow TCP client).
    case tcpWriteQueue = "tcp_write_queue_drops"
    /// An outgoing UDP datagram the kernel refused (no route, bad address) or that was queued when its socket closed.
    case sendFailed = "send_failed"
    /// An outgoing UDP datagram the socket's send buffer and the channel's queue behind it had no room for.
    case sendBufferFull = "send_buffer_full"
}

/// The SFU node's metrics (see docs/metrics.md).
final class NodeMetrics: Sendable {
    let registry: MetricsRegistry
    let datagramsReceived: Counter
    let packetsReceived: Counter
    let packetsForwarded: Counter
    let bytesForwarded: Counter
    let retransmissions: Counter
    let keyframeRequests: Counter
    let nacksReceived: Counter
    let nacksSent: Counter
    let packetsRecovered: Counter
    let transportsConnected: Counter
    let transportsFailed: Counter
    let transports: Gauge
    let participants: Gauge
    let producers: Gauge
    let consumers: Gauge
    private let drops: [DropReason: Counter]
    /// Per-path (`udp`, `tcp`, `relay`) counters and the ICE-TCP listener's.
    let paths: PathMetrics
    let quality: QualityMetrics

    init(registry: MetricsRegistry, nodeID: String, region: String) {
        self.registry = registry
        quality = QualityMetrics(registry: registry, nodeID: nodeID, region: region)
        let labels = [("node", nodeID), ("region", region)]
        func counter(_ name: String, _ help: String) -> Counter {
            registry.counter("edgemesh_sfu_\(name)", help: help, labels: labels)
        }
        func gauge(_ name: String, _ help: String) -> Gauge {
            registry.gauge("edgemesh_sfu_\(name)", help: help, labels: labels)
        }
        datagramsReceived = counter("datagrams_received_total", "UDP datagrams received on the RTC port.")
        packetsReceived = counter("packets_received_total", "RTP packets received from publishers and accepted.")
        packetsForwarded = counter("packets_forwarded_total", "RTP packets sent to subscribers (one per copy).")
        bytesForwarded = counter("bytes_forwarded_total", "Plaintext RTP bytes sent to subscribers.")
        retransmissions = counter("retransmissions_total", "Packets resent from the cache to answer NACKs.")
        keyframeRequests = counter("keyframe_requests_total", "PLIs sent to publishers (after merging).")
        nacksReceived = counter("nacks_received_total", "Generic NACK items received from subscribers.")
        nacksSent = counter("nacks_sent_total", "Generic NACK items sent to publishers for loss on their path.")
        packetsRecovered = counter("packets_recovered_total", "Publisher retransmissions (RTX) unwrapped and forwarded.")
        transportsConnected = counter("transports_connected_total", "Transports that completed ICE and DTLS.")
        transportsFailed = counter("transports_failed_total", "Transports closed by a failure (DTLS, consent).")
        transports = gauge("transports", "Open transports.")
        participants = gauge("participants", "Participants with transports on this node.")
        producers = gauge("producers", "Published tracks on this node.")
        consumers = gauge("consumers", "Subscriptions on this node.")
        var drops: [DropReason: Counter] = [:]
        for reason in DropReason.allCases {
            drops[reason] = registry.counter(
                "edgemesh_sfu_drops_total", help: "Packets dropped, by reason.",
                labels: labels + [("reason", reason.rawValue)])
        }
        self.drops = drops
        self.paths = PathMetrics(registry: registry, labels: labels)
    }

    @inline(__always)
    func drop(_ reason: DropReason, count: Int = 1) {
        guard count > 0 else { return }
        drops[reason]?.increment(by: UInt64(count))
    }

    func dropCounts() -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for (reason, counter) in drops { out[reason.rawValue] = counter.current }
        return out
    }
}
