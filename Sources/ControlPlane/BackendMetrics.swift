import Telemetry

/// The backend's metrics (ARCHITECTURE.md "Observability"), prefix `edgemesh_`.
public final class BackendMetrics: Sendable {
    public let registry: MetricsRegistry
    public let connections: Gauge
    public let participants: Gauge
    public let joins: Counter
    /// WebSocket open → both transports connected.
    public let joinLatency: Histogram
    /// WebSocket open → `joined` sent (token check, region choice, transport creation).
    public let joinSignalingLatency: Histogram
    public let redisErrors: Counter
    public let upgradesRejected: Counter

    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        connections = registry.gauge("edgemesh_backend_connections", help: "Open signaling WebSockets.")
        participants = registry.gauge("edgemesh_backend_participants", help: "Joined participants on this backend.")
        joins = registry.counter("edgemesh_backend_joins_total", help: "Participants that received joined.")
        redisErrors = registry.counter("edgemesh_backend_redis_errors_total", help: "Failed coordination (Redis) operations.")
        upgradesRejected = registry.counter("edgemesh_backend_upgrades_rejected_total", help: "WebSocket upgrades refused (bad token).")
        let buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
        joinLatency = Histogram(name: "edgemesh_backend_join_latency_seconds",
                                help: "WebSocket open until both transports connected.", bounds: buckets)
        joinSignalingLatency = Histogram(name: "edgemesh_backend_join_signaling_seconds",
                                         help: "WebSocket open until joined was sent.", bounds: buckets)
    }

    /// Client messages by type (`unknown` for anything else).
    public func message(type: String) {
        let label = ClientMessage.types.contains(type) ? type : "unknown"
        registry.counter("edgemesh_backend_messages_total", help: "Client messages by type.", labels: [("type", label)]).increment()
    }

    /// Errors sent to clients by code.
    public func error(_ code: SignalErrorCode) {
        registry.counter("edgemesh_backend_errors_total", help: "Errors sent to clients by code.", labels: [("code", code.rawValue)]).increment()
    }

    public func grpcError(method: String) {
        registry.counter("edgemesh_backend_grpc_errors_total", help: "Failed SFU gRPC calls by method.", labels: [("method", method)]).increment()
    }

    public func regionAssignment(region: String, reason: String) {
        registry.counter("edgemesh_region_assignments_total", help: "Participants placed, by region and reason.",
                         labels: [("region", region), ("reason", reason)]).increment()
    }

    /// Prometheus text of every metric.
    public func render() -> String {
        registry.render() + joinLatency.render() + joinSignalingLatency.render()
    }
}
