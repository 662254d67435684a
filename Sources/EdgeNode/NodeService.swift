import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import NIOCore
import NIOPosix
import Telemetry

/// One running SFU node: the UDP media socket, the gRPC control API and the
/// metrics endpoint, until `run` is cancelled or a drain completes.
public struct NodeService: Sendable {
    public let configuration: NodeConfiguration
    public let registry: MetricsRegistry
    /// The node's drain: `drain.begin(timeout:)` (also the `Drain` RPC) makes
    /// `run` return once the node is empty or the timeout passes;
    /// `drain.isDraining` is what the registry record should say.
    public let drain: NodeDrain
    let logger: Logger

    public init(
        configuration: NodeConfiguration, registry: MetricsRegistry = MetricsRegistry(), drain: NodeDrain = NodeDrain(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.registry = registry
        self.drain = drain
        self.logger = logger
    }

    /// Runs the node until the task is cancelled or its drain completes. `onReady` receives the bound ports.
    public func run(
        group: MultiThreadedEventLoopGroup = .singleton,
        onReady: @Sendable (BoundPorts) -> Void = { _ in }
    ) async throws {
        let eventLoop = group.next()
        let metrics = NodeMetrics(registry: registry, nodeID: configuration.nodeID, region: configuration.region)
        let events = NodeEventBroadcaster()
        let engine = try await eventLoop.submit { [configuration, logger] in
            try MediaEngine(eventLoop: eventLoop, configuration: configuration, metrics: metrics, events: events, logger: logger)
        }.get()
        let channel = try await MediaServer.bind(
            engine: engine, host: configuration.bindHost, port: configuration.rtcPort,
            vectorReadCount: configuration.vectorReadCount)
        let rtcPort = channel.localAddress?.port ?? configuration.rtcPort
        let channelV6: (any Channel)? = if let hostV6 = configuration.bindHostV6 {
            try await MediaServer.bind(
                engine: engine, host: hostV6, port: rtcPort, vectorReadCount: configuration.vectorReadCount)
        } else {
            nil
        }
        try await eventLoop.submit {
            engine.channel = channel
            engine.channelV6 = channelV6
            engine.rtcPort = rtcPort
            engine.startTimers()
        }.get()
        let metricsServer = try await MetricsServer.start(
            host: configuration.bindHost, port: configuration.metricsPort, registry: registry, group: group)
        let grpcServer = GRPCServer(
            transport: .http2NIOPosix(
                address: configuration.bindHost.contains(":")
                    ? .ipv6(host: configuration.bindHost, port: configuration.grpcPort)
                    : .ipv4(host: configuration.bindHost, port: configuration.grpcPort),
                transportSecurity: .plaintext, eventLoopGroup: group),
            services: [SFUService(
                engine: engine, nodeID: configuration.nodeID, region: configuration.region, drainState: drain)])
        let shutdown: @Sendable () -> Void = {
            grpcServer.beginGracefulShutdown()
            events.finishAll()
            channel.close(promise: nil)
            channelV6?.close(promise: nil)
            metricsServer.closeNow()
        }
        try await withTaskCancellationHandler {
            try await withThrowingDiscardingTaskGroup { tasks in
                tasks.addTask {
                    do {
                        try await grpcServer.serve()
                    } catch {
                        // Shutting down: the transport reports the cancellation as an error.
                        if !Task.isCancelled { throw error }
                    }
                }
                tasks.addTask { [drain, logger] in
                    let drained = await drain.waitUntilDrained(
                        onBegin: { timeout in
                            logger.notice("draining: no new participants", metadata: ["timeout": "\(timeout)"])
                            events.publish(.nodeDraining(timeoutSeconds: UInt32(clamping: timeout.components.seconds)))
                        },
                        participants: { try await eventLoop.submit { engine.stats().participants }.get() })
                    guard drained else { return }
                    let left = (try? await eventLoop.submit { engine.stats().participants }.get()) ?? 0
                    logger.notice("drain complete, stopping", metadata: ["participants": "\(left)"])
                    shutdown()
                }
                if let address = try await grpcServer.listeningAddress {
                    let grpcPort = address.ipv4?.port ?? address.ipv6?.port ?? configuration.grpcPort
                    onReady(BoundPorts(
                        grpc: grpcPort, rtc: rtcPort, metrics: metricsServer.localAddress?.port ?? configuration.metricsPort))
                }
                logger.info("sfu node ready", metadata: [
                    "node": "\(configuration.nodeID)", "region": "\(configuration.region)",
                    "rtc": "\(configuration.candidateAddress):\(rtcPort)/udp",
                    "grpc": "\(configuration.bindHost):\(configuration.grpcPort)",
                    "metrics": "\(configuration.bindHost):\(configuration.metricsPort)",
                ])
            }
        } onCancel: {
            shutdown()
        }
    }
}

/// The ports a node actually bound (useful when 0 was requested).
public struct BoundPorts: Sendable {
    public let grpc: Int
    public let rtc: Int
    public let metrics: Int
}
