import Coordination
import Foundation
import GeoRouting
import GRPCInProcessTransport
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// `edgemesh backend`: HTTP routes, WebSocket signaling, rooms and chat,
/// region choice and SFU orchestration (ARCHITECTURE.md "Services").
public struct Backend: Sendable {
    let services: BackendServices

    /// Validates the configuration and opens what it names (regions, GeoIP
    /// database, Redis). Refuses to start on any invalid value.
    /// - Parameter inProcessNodes: nodes running in this process (`edgemesh dev`):
    ///   the client side of each one's in-process gRPC transport, by the node's
    ///   gRPC address (as in `sfuAddresses`); every call to such a node uses it instead of TCP.
    /// - Throws: `ControlPlaneError` (e.g. `.secretTooShort`, `.configuration`).
    public init(
        configuration: BackendConfiguration, logger: Logger, inProcessNodes: [String: InProcessTransport.Client] = [:]
    ) async throws(ControlPlaneError) {
        let secret = try JWTSecret(configuration.jwtSecret)
        var configuration = configuration
        if configuration.mesh == nil {
            configuration.mesh = try MeshConfiguration(environment: ProcessInfo.processInfo.environment)
        }
        let catalog: RegionCatalog
        do {
            catalog = try RegionCatalog.load(directory: configuration.regionsDirectory)
        } catch {
            guard !configuration.regionsDirectoryIsExplicit else {
                throw .configuration(name: "REGIONS_DIR", problem: error.description)
            }
            logger.warning("no region catalog; placing by node only", metadata: ["reason": "\(error)"])
            do {
                catalog = try RegionCatalog(regions: [])
            } catch {
                throw .configuration(name: "REGIONS_DIR", problem: error.description)
            }
        }
        let defaultName = configuration.defaultRegion ?? catalog.ids.first?.rawValue ?? "local"
        let defaultRegion: GeoRouting.RegionID
        do {
            defaultRegion = try GeoRouting.RegionID(defaultName)
        } catch {
            throw .configuration(name: "DEFAULT_REGION", problem: error.description)
        }
        if !catalog.regions.isEmpty, catalog[defaultRegion] == nil {
            throw .configuration(name: "DEFAULT_REGION", problem: "\(defaultName) is not a region of \(configuration.regionsDirectory)")
        }
        var geoIP: GeoIPDatabase?
        if let path = configuration.geoIPDatabase {
            do {
                geoIP = try GeoIPDatabase(path: path)
            } catch {
                throw .configuration(name: "GEOIP_DB", problem: error.description)
            }
        }
        let proxies = try TrustedProxies(list: configuration.trustedProxies)
        let metrics = BackendMetrics()
        let coordinator: any Coordinator
        let chat: any ChatStore
        let liveness: any BackendLiveness
        let coordination = CoordinatorConfiguration(keyPrefix: configuration.keyPrefix)
        if let address = configuration.redisAddress {
            let redis: RedisConfiguration
            do {
                redis = try RedisConfiguration(address: address)
            } catch {
                throw .configuration(name: "REDIS_ADDR", problem: error.description)
            }
            coordinator = RedisCoordinator(configuration: coordination, redis: redis)
            chat = RedisChatStore(redis: redis, keyPrefix: configuration.keyPrefix)
            liveness = RedisLiveness(redis: redis, keyPrefix: configuration.keyPrefix)
        } else {
            coordinator = InProcessCoordinator(configuration: coordination)
            chat = InMemoryChatStore()
            liveness = InProcessLiveness()
        }
        let pool = SFUClientPool(timeout: configuration.sfuCallTimeout, inProcess: inProcessNodes) {
            metrics.grpcError(method: $0)
        }
        for address in configuration.sfuAddresses { _ = try pool.client(for: address) }
        let source: NodeDirectory.Source =
            configuration.sfuAddresses.isEmpty ? .registry(coordinator) : .addresses(configuration.sfuAddresses)
        let directory = NodeDirectory(source: source, leaseDuration: coordination.leaseDuration) { address in
            try await pool.client(for: address).stats()
        }
        services = BackendServices(
            configuration: configuration, codec: TokenCodec(secret: secret), coordinator: coordinator, chat: chat,
            liveness: liveness, directory: directory, sfu: pool, metrics: metrics, geoIP: geoIP,
            policy: PlacementPolicy(catalog: catalog, defaultRegion: defaultRegion,
                                    maxParticipantsPerNode: configuration.maxParticipantsPerNode),
            proxies: proxies, logger: logger)
        if configuration.sfuAddresses.isEmpty, configuration.redisAddress == nil {
            logger.warning("no SFU nodes: set SFU_ADDRS (or REDIS_ADDR for the node registry)")
        }
    }

    /// The backend's metrics (for embedding).
    public var metrics: BackendMetrics { services.metrics }

    /// Serves until cancelled. `onReady` receives the bound HTTP port.
    public func run(onReady: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let services = self.services
        let configuration = services.configuration
        let logger = services.logger
        let wsConfiguration = WebSocketServerConfiguration(maxFrameSize: max(configuration.maxMessageBytes * 16, 1 << 20))
        let app = Application(
            router: HTTPRoutes.router(services: services),
            server: .http1WebSocketUpgrade(configuration: .init(ws: wsConfiguration)) { head, channel, _ in
                try await Self.shouldUpgrade(head: head, channel: channel, services: services)
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.info("backend ready", metadata: [
                    "http": "\(configuration.host):\(port)", "instance": "\(configuration.instanceID)",
                    "coordination": "\(configuration.redisAddress.map { "redis \($0)" } ?? "in-process")",
                    "dev": "\(configuration.devMode)",
                ])
                onReady(port)
            },
            logger: logger)
        let relay = NodeEventRelay(directory: services.directory, pool: services.sfu, rooms: services.rooms,
                                   logger: logger, interval: configuration.nodeRefreshInterval, mesh: services.mesh)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await services.sfu.run() }
            group.addTask { await services.rooms.run() }
            // The first node list and liveness key, before serving (the gRPC connections run in the group above).
            try? await services.directory.refresh()
            try? await services.liveness.heartbeat(instance: services.instanceID, ttl: .seconds(6))
            group.addTask {
                await services.directory.run(interval: configuration.nodeRefreshInterval) { error in
                    services.metrics.redisErrors.increment()
                    logger.warning("node registry unavailable", metadata: ["error": "\(error)"])
                }
            }
            group.addTask { await relay.run() }
            group.addTask { await services.mesh.run() }
            group.addTask { await Self.heartbeat(services: services) }
            defer {
                services.sfu.shutdown()
                services.rooms.shutdown()
                group.cancelAll()
            }
            try await app.run()
        }
        await services.coordinator.close()
    }

    /// Keeps this instance's liveness key fresh (every 2 s, valid 6 s) until cancelled.
    static func heartbeat(services: BackendServices) async {
        while !Task.isCancelled {
            do {
                try await services.liveness.heartbeat(instance: services.instanceID, ttl: .seconds(6))
            } catch {
                services.metrics.redisErrors.increment()
                services.logger.warning("backend heartbeat failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }

    /// Decides a WebSocket upgrade at `/v1/rtc`: a bad token gets 401 with the
    /// error body and no upgrade.
    static func shouldUpgrade(
        head: HTTPRequest, channel: any Channel, services: BackendServices
    ) async throws -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let target = head.path ?? "/"
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        guard path == "/v1/rtc" else { return .dontUpgrade }
        let openedAt = ContinuousClock.now
        let claims: TokenClaims
        do {
            claims = try services.codec.verify(HTTPRoutes.token(target: target, authorization: head.headerFields[.authorization]) ?? "")
        } catch {
            services.metrics.upgradesRejected.increment()
            services.metrics.error(error.code)
            let body = SignalError(error.code, error.description).httpBody.serialized()
            try? await UpgradeRejectionHandler.install(
                on: channel, response: UpgradeRejectionHandler.response(status: 401, reason: "Unauthorized", body: body))
            return .dontUpgrade
        }
        let query = QueryString(target: target)
        let rttHints = (try? RTTHints.parse(query["rtt"] ?? "")) ?? RTTHints()
        let autoSubscribe = query["auto_subscribe"].map { !["false", "0", "no", "off"].contains($0.lowercased()) } ?? true
        let forwarded = head.headerFields.filter { $0.name.canonicalName == "x-forwarded-for" }.map(\.value)
        let client = services.proxies.clientAddress(peer: channel.remoteAddress?.ipAddress, forwardedFor: forwarded)
        let admission = Admission(claims: claims, clientAddress: client, rttHints: rttHints, autoSubscribe: autoSubscribe,
                                  openedAt: openedAt)
        let logger = services.logger
        return .upgrade([:]) { inbound, outbound, _ in
            await SignalingConnection(services: services, admission: admission, logger: logger)
                .run(inbound: inbound, outbound: outbound)
        }
    }
}
