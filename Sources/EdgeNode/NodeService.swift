import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import NIOCore
import NIOPosix
import Telemetry

/// One running SFU node: the UDP media socket, the gRPC control API and the
/// metrics endpoint, until `run` is cancelled.
public struct NodeService: Sendable {
    public let configuration: NodeConfiguration
    public let registry: MetricsRegistry
    let logger: Logger

    public init(configuration: NodeConfiguration, registry: MetricsRegistry = MetricsRegistry(), logger: Logger) {
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
    }

    /// Runs the node until the task is cancelled. `onReady` receives the bound ports.
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
        let tcpChannel = try await bindTCP(engine: engine, udpPort: rtcPort)
        let rtcTCPPort = tcpChannel?.localAddress?.port
        try await eventLoop.submit {
            engine.channel = channel
            engine.channelV6 = channelV6
            engine.rtcPort = rtcPort
            engine.rtcTCPPort = rtcTCPPort
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
            services: [SFUService(engine: engine, nodeID: configuration.nodeID, region: configuration.region)])
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
                if let address = try await grpcServer.listeningAddress {
                    let grpcPort = address.ipv4?.port ?? address.ipv6?.port ?? configuration.grpcPort
                    onReady(BoundPorts(
                        grpc: grpcPort, rtc: rtcPort, metrics: metricsServer.localAddress?.port ?? configuration.metricsPort,
                        rtcTCP: rtcTCPPort))
                }
                logger.info("sfu node ready", metadata: [
                    "node": "\(configuration.nodeID)", "region": "\(configuration.region)",
                    "rtc": "\(configuration.candidateAddress):\(rtcPort)/udp",
                    "rtc-tcp": "\(rtcTCPPort.map { "\(configuration.candidateAddress):\($0)/tcp" } ?? "off")",
                    "grpc": "\(configuration.bindHost):\(configuration.grpcPort)",
                    "metrics": "\(configuration.bindHost):\(configuration.metricsPort)",
                ])
            }
        } onCancel: {
            grpcServer.beginGracefulShutdown()
            events.finishAll()
            channel.close(promise: nil)
            channelV6?.close(promise: nil)
            tcpChannel?.close(promise: nil)
            metricsServer.closeNow()
        }
    }
}

/// The ports a node actually bound (useful when 0 was requested).
public struct BoundPorts: Sendable {
    public let grpc: Int
    public let rtc: Int
    public let metrics: Int
    /// The ICE-TCP listener's port (nil: off).
    public let rtcTCP: Int?
}

extension NodeService {
    /// Binds the ICE-TCP listener: `rtcTCPPort`, or the UDP port's number
    /// (any free port if that number is taken over TCP).
    func bindTCP(engine: MediaEngine, udpPort: Int) async throws -> (any Channel)? {
        guard configuration.rtcTCPEnabled else { return nil }
        if let port = configuration.rtcTCPPort {
            return try await TCPMediaServer.bind(engine: engine, host: configuration.bindHost, port: port)
        }
        do {
            return try await TCPMediaServer.bind(engine: engine, host: configuration.bindHost, port: udpPort)
        } catch {
            logger.warning("rtc tcp port \(udpPort) is taken; using a free port", metadata: ["error": "\(error)"])
            return try await TCPMediaServer.bind(engine: engine, host: configuration.bindHost, port: 0)
        }
    }
}
