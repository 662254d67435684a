import Telemetry

/// Metrics split by how a transport's selected path reaches the client
/// (`transport` label: `udp`, `tcp`, `relay`), and the ICE-TCP listener's
/// own counters. See docs/metrics.md.
final class PathMetrics: Sendable {
    /// Nominations that selected a path of each kind, by `PathKind.rawValue`.
    let selected: [Counter]
    /// SRTP/SRTCP packets accepted, by kind.
    let packetsReceived: [Counter]
    /// SRTP/SRTCP packets sent, by kind.
    let packetsSent: [Counter]
    /// Their bytes (protected, without framing).
    let bytesSent: [Counter]
    let tcpConnections: Gauge
    let tcpConnectionsAccepted: Counter
    let tcpFramesReceived: Counter
    let tcpWriteQueueBytes: Gauge
    let tcpWriteQueueHighWater: Gauge
    private let tcpClosed: [TCPCloseReason: Counter]

    init(registry: MetricsRegistry, labels: [(String, String)]) {
        func byKind(_ name: String, _ help: String) -> [Counter] {
            PathKind.allCases.map {
                registry.counter("edgemesh_sfu_\(name)", help: help, labels: labels + [("transport", $0.label)])
            }
        }
        selected = byKind("selected_paths_total", "ICE nominations that selected a path, by transport (udp, tcp, relay).")
        packetsReceived = byKind("path_packets_received_total", "SRTP and SRTCP packets accepted, by the transport of the path.")
        packetsSent = byKind("path_packets_sent_total", "SRTP and SRTCP packets sent, by the transport of the path.")
        bytesSent = byKind("path_bytes_sent_total", "Protected bytes sent, by the transport of the path.")
        tcpConnections = registry.gauge("edgemesh_sfu_tcp_connections", help: "Open ICE-TCP connections.", labels: labels)
        tcpConnectionsAccepted = registry.counter(
            "edgemesh_sfu_tcp_connections_accepted_total", help: "ICE-TCP connections accepted.", labels: labels)
        tcpFramesReceived = registry.counter(
            "edgemesh_sfu_tcp_frames_received_total", help: "RFC 4571 frames received on ICE-TCP connections.", labels: labels)
        tcpWriteQueueBytes = registry.gauge(
            "edgemesh_sfu_tcp_write_queue_bytes", help: "Bytes waiting in ICE-TCP write queues now.", labels: labels)
        tcpWriteQueueHighWater = registry.gauge(
            "edgemesh_sfu_tcp_write_queue_high_water_bytes",
            help: "The most bytes one ICE-TCP write queue has held.", labels: labels)
        var closed: [TCPCloseReason: Counter] = [:]
        for reason in TCPCloseReason.allCases {
            closed[reason] = registry.counter(
                "edgemesh_sfu_tcp_connections_closed_total", help: "ICE-TCP connections closed, by reason.",
                labels: labels + [("reason", reason.rawValue)])
        }
        tcpClosed = closed
    }

    func closed(_ reason: TCPCloseReason) {
        tcpClosed[reason]?.increment()
    }
}

/// Why the node closed (or saw the end of) an ICE-TCP connection.
enum TCPCloseReason: String, CaseIterable, Sendable {
    /// A zero or oversized RFC 4571 length.
    case framing
    /// The first frame was not an authenticated binding request for a known transport.
    case unbound
    /// No connected transport on it within the handshake timeout.
    case handshakeTimeout = "handshake_timeout"
    /// No frame within the idle timeout.
    case idleTimeout = "idle_timeout"
    /// Too many connections from one IP address, or in total.
    case limit
    /// The transport it carried was closed, or moved to another path.
    case transportClosed = "transport_closed"
    /// The client closed it, or a socket error.
    case peerClosed = "peer_closed"
}
