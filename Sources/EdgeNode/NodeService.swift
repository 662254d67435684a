import Coordination
import GRPCCore
import GRPCInProcessTransport
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
    /// The registry the node announces itself in and finds trunk peers in:
    /// this one when given (an embedding process shares its own), else a
    /// `RedisCoordinator` for `configuration.redisAddress`, else none.
    public let coordinator: (any Coordinator)?
    /// The node's drain: `drain.begin(timeout:)` (also the `Drain` RPC) makes
    /// `run` return once the node is empty or the timeout passes; the
    /// registry record says `draining` meanwhile.
    public let drain: NodeDrain
    /// The server side of an in-process gRPC transport: when given, the node
    /// serves the same `SFU` service on it as well as on its TCP port, so a
    /// backend in the same process (`edgemesh dev`) calls it without HTTP/2,
    /// sockets or NIO pipelines. A transport serves one node run.
    public let inProcessServer: InProcessTransport.Server?
    let logger: Logger

    public init(
        configuration: NodeConfiguration, registry: MetricsRegistry = MetricsRegistry(), drain: NodeDrain = NodeDrain(),
        logger: Logger, coordinator: (any Coordinator)? = nil, inProcessServer: InProcessTransport.Server? = nil
    ) {
        self.configuration = configuration
        self.registry = registry
        self.drain = drain
        self.logger = logger
        self.coordinator = coordinator
        self.inProcessServer = inProcessServer
    }

    /// Runs the node until the task is cancelled or its drain completes. `onReady` receives the bound ports.
    public func run(
        group: MultiThreadedEventLoopGroup = .singleton,
        onReady: @Sendable (BoundPorts) -> Void = { _ in }
    ) async throws {
        let eventLoop = MediaThread.group.next()
        let niceApplied = try await eventLoop.submit { [configuration] in
            configuration.mediaThreadNice == 0 || MediaThread.setNice(configuration.mediaThreadNice)
        }.get()
        if !niceApplied {
            logger.info("media thread keeps the default priority (MEDIA_THREAD_NICE needs CAP_SYS_NICE)",
                        metadata: ["nice": "\(configuration.mediaThreadNice)"])
        }
        let metrics = NodeMetrics(registry: registry, nodeID: configuration.nodeID, region: configuration.region)
        let events = NodeEventBroadcaster()
        let trunkMetrics = TrunkMetrics(registry: registry, nodeID: configuration.nodeID, region: configuration.region)
        let identity = try NodeMesh.loadIdentity(configuration)
        let ownedCoordinator: (any Coordinator)?
        if coordinator == nil, let address = configuration.redisAddress {
            do {
                let redis = try RedisConfiguration(address: address)
                ownedCoordinator = RedisCoordinator(
                    configuration: CoordinatorConfiguration(
                        renewInterval: configuration.registryRenewInterval, keyPrefix: configuration.registryKeyPrefix),
                    redis: redis)
            } catch {
                throw NodeMeshError.invalidRedisAddress("\(error)")
            }
        } else {
            ownedCoordinator = nil
        }
        let registryCoordinator = coordinator ?? ownedCoordinator
        let engine = try await eventLoop.submit { [configuration, logger] in
            let engine = try MediaEngine(
                eventLoop: eventLoop, configuration: configuration, metrics: metrics, events: events, logger: logger)
            if let identity { engine.trunk = TrunkLink(identity: identity, metrics: trunkMetrics) }
            return engine
        }.get()
        let media = try await MediaServer.bind(
            engine: engine, host: configuration.bindHost, port: configuration.rtcPort,
            vectorReadCount: configuration.vectorReadCount)
        let channel = media.channel
        let rtcPort = channel.localAddress?.port ?? configuration.rtcPort
        let mediaV6: MediaServer.Bound? = if let hostV6 = configuration.bindHostV6 {
            try await MediaServer.bind(
                engine: engine, host: hostV6, port: rtcPort, vectorReadCount: configuration.vectorReadCount)
        } else {
            nil
        }
        let channelV6 = mediaV6?.channel
        let tcpChannel = try await bindTCP(engine: engine, udpPort: rtcPort)
        let rtcTCPPort = tcpChannel?.localAddress?.port
        let trunkChannel: (any Channel)? = if identity != nil {
            try await TrunkServer.bind(
                engine: engine, host: configuration.bindHost, port: configuration.trunkPort,
                vectorReadCount: configuration.vectorReadCount)
        } else {
            nil
        }
        let trunkPort = trunkChannel.map { $0.localAddress?.port ?? configuration.trunkPort }
        try await eventLoop.submit { [configuration] in
            engine.channel = channel
            engine.channelV6 = channelV6
            engine.primaryFamily = channel.localAddress?.protocol ?? .inet
            engine.sender = UDPBatchSender(
                channel: channel, socket: media.descriptor, capacity: MediaEngine.flushEvery)
            engine.senderV6 = mediaV6.map {
                UDPBatchSender(channel: $0.channel, socket: $0.descriptor, capacity: MediaEngine.flushEvery)
            }
            engine.rtcPort = rtcPort
            engine.rtcTCPPort = rtcTCPPort
            engine.trunk?.channel = trunkChannel
            engine.startTimers()
            if engine.trunk != nil { engine.startTrunkTimer(interval: configuration.trunkTickInterval) }
        }.get()
        let metricsServer = try await MetricsServer.start(
            host: configuration.bindHost, port: configuration.metricsPort, registry: registry, group: group,
            extra: { trunkMetrics.renderHistograms() + metrics.quality.renderHistograms() })
        let service = SFUService(
            engine: engine, nodeID: configuration.nodeID, region: configuration.region, drainState: drain)
        let grpcServer = GRPCServer(
            transport: .http2NIOPosix(
                address: configuration.bindHost.contains(":")
                    ? .ipv6(host: configuration.bindHost, port: configuration.grpcPort)
                    : .ipv4(host: configuration.bindHost, port: configuration.grpcPort),
                transportSecurity: .plaintext, eventLoopGroup: group),
            services: [service])
        // The same service on the in-process transport, when the embedding process gave one.
        let inProcessGRPCServer = inProcessServer.map { GRPCServer(transport: $0, services: [service]) }
        let stopped = ShutdownFlag()
        let shutdown: @Sendable () -> Void = {
            stopped.set()
            grpcServer.beginGracefulShutdown()
            inProcessGRPCServer?.beginGracefulShutdown()
            events.finishAll()
            channel.close(promise: nil)
            channelV6?.close(promise: nil)
            tcpChannel?.close(promise: nil)
            trunkChannel?.close(promise: nil)
            metricsServer.closeNow()
        }
        do {
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
                    if let inProcessGRPCServer {
                        tasks.addTask {
                            do {
                                try await inProcessGRPCServer.serve()
                            } catch {
                                if !Task.isCancelled { throw error }
                            }
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
                        // The gRPC server finishes in-flight calls (the Drain reply among
                        // them) and the registry heartbeat deregisters, then `run` returns.
                        shutdown()
                    }
                    var grpcPort = configuration.grpcPort
                    if let address = try await grpcServer.listeningAddress {
                        grpcPort = address.ipv4?.port ?? address.ipv6?.port ?? configuration.grpcPort
                        onReady(BoundPorts(
                            grpc: grpcPort, rtc: rtcPort, metrics: metricsServer.localAddress?.port ?? configuration.metricsPort,
                            trunk: trunkPort, rtcTCP: rtcTCPPort))
                    }
                    if let registryCoordinator {
                        let record = NodeMesh.record(
                            configuration, identity: identity, grpcPort: grpcPort, rtcPort: rtcPort, trunkPort: trunkPort)
                        tasks.addTask { [configuration, logger, drain] in
                            await NodeMesh.runRegistration(
                                coordinator: registryCoordinator, record: record, engine: engine, drain: drain,
                                interval: configuration.registryRenewInterval, stopped: stopped, logger: logger)
                            if let ownedCoordinator { await ownedCoordinator.close() }
                        }
                    }
                    logger.info("sfu node ready", metadata: [
                        "node": "\(configuration.nodeID)", "region": "\(configuration.region)",
                        "rtc": "\(configuration.candidateAddress):\(rtcPort)/udp",
                        "rtc-tcp": "\(rtcTCPPort.map { "\(configuration.candidateAddress):\($0)/tcp" } ?? "off")",
                        "grpc": "\(configuration.bindHost):\(configuration.grpcPort)\(inProcessServer == nil ? "" : " + in-process")",
                        "metrics": "\(configuration.bindHost):\(configuration.metricsPort)",
                        "trunk": "\(trunkPort.map { "\(configuration.bindHost):\($0)/udp" } ?? "off")",
                        "registry": "\(registryCoordinator == nil ? "none" : configuration.redisAddress.map { "redis \($0)" } ?? "shared")",
                    ])
                }
            } onCancel: {
                shutdown()
            }
        }
    }
}

/// The ports a node actually bound (useful when 0 was requested).
public struct BoundPorts: Sendable {
    public let grpc: Int
    public let rtc: Int
    public let metrics: Int
    /// The trunk UDP port (nil without a mesh credential).
    public let trunk: Int?

    /// The ICE-TCP listener's port (nil: off).
    public let rtcTCP: Int?

    public init(grpc: Int, rtc: Int, metrics: Int, trunk: Int? = nil, rtcTCP: Int? = nil) {
        self.grpc = grpc
        self.rtc = rtc
        self.metrics = metrics
        self.trunk = trunk
        self.rtcTCP = rtcTCP
    }
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
