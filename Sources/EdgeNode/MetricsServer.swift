import NIOCore
import NIOHTTP1
import NIOPosix
import Telemetry

/// Serves `/metrics` (Prometheus text format), `/healthz` and `/probe` over
/// HTTP/1.1 on the node's `METRICS_PORT`. Anything else is 404.
///
/// `GET /probe` answers `204` with `Access-Control-Allow-Origin: *`,
/// `Timing-Allow-Origin: *` and `Cache-Control: no-store`: the web client
/// times it from another origin to measure its RTT to the node's region
/// (docs/web-client.md "Region probe"; point `PROBE_URLS` at it).
public final class MetricsServer: Sendable {
    private let channel: any Channel

    /// The address the server is bound to (useful when port 0 was requested).
    public var localAddress: SocketAddress? { channel.localAddress }

    private init(channel: any Channel) { self.channel = channel }

    public static func start(
        host: String, port: Int, registry: MetricsRegistry, group: any EventLoopGroup,
        extra: @escaping @Sendable () -> String = { "" }
    ) async throws -> MetricsServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(MetricsHTTPHandler(registry: registry, extra: extra))
                }
            }
            .bind(host: host, port: port)
            .get()
        return MetricsServer(channel: channel)
    }

    public func close() async throws {
        try await channel.close()
    }

    /// Starts closing without waiting (for cancellation handlers).
    public func closeNow() {
        channel.close(promise: nil)
    }
}

private final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: MetricsRegistry
    /// Families the registry has no type for (histograms), appended to its text.
    private let extra: @Sendable () -> String
    private var path: String?
    private var keepAlive = false

    init(registry: MetricsRegistry, extra: @escaping @Sendable () -> String) {
        self.registry = registry
        self.extra = extra
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            let (status, type, body): (HTTPResponseStatus, String, String)
            switch path {
            case "/metrics": (status, type, body) = (.ok, "text/plain; version=0.0.4", registry.render() + extra())
            case "/healthz": (status, type, body) = (.ok, "application/json", "{\"status\":\"ok\"}")
            case "/probe": (status, type, body) = (.noContent, "", "")
            default: (status, type, body) = (.notFound, "application/json", "{\"error\":{\"code\":\"not_found\",\"message\":\"no such route\"}}")
            }
            var headers = HTTPHeaders()
            if status == .noContent {
                headers.add(name: "Access-Control-Allow-Origin", value: "*")
                headers.add(name: "Timing-Allow-Origin", value: "*")
                headers.add(name: "Cache-Control", value: "no-store")
            } else {
                headers.add(name: "Content-Type", value: type)
                headers.add(name: "Content-Length", value: String(body.utf8.count))
            }
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            if !body.isEmpty {
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            }
            let keepAlive = self.keepAlive
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if !keepAlive { context.close(promise: nil) }
            }
        }
    }
}
