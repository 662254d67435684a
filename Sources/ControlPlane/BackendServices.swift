import Coordination
import GeoRouting
import Logging

/// What a WebSocket needs to become a participant: the verified token and
/// what the request said about placement.
struct Admission: Sendable {
    var claims: TokenClaims
    /// The client's address (socket peer, or X-Forwarded-For via a trusted proxy).
    var clientAddress: String?
    var rttHints: RTTHints
    var autoSubscribe: Bool
    var openedAt: ContinuousClock.Instant
}

/// The backend's long-lived services, shared by every connection
/// (the Go-style "few explicit services" of ARCHITECTURE.md).
final class BackendServices: Sendable {
    let configuration: BackendConfiguration
    let codec: TokenCodec
    let coordinator: any Coordinator
    let chat: any ChatStore
    /// Keeps history order equal to delivery order (see ChatSequencer).
    let chatSequencer = ChatSequencer()
    let liveness: any BackendLiveness
    let directory: NodeDirectory
    let sfu: SFUClientPool
    let rooms: LocalRooms
    /// Relay trees of the tracks this instance's participants publish.
    let mesh: MeshOrchestrator
    let metrics: BackendMetrics
    let geoIP: GeoIPDatabase?
    let policy: PlacementPolicy
    let proxies: TrustedProxies
    let logger: Logger
    /// Joins set up at the same time (`BackendConfiguration.joinConcurrency`).
    let joinGate: JoinGate

    init(configuration: BackendConfiguration, codec: TokenCodec, coordinator: any Coordinator, chat: any ChatStore,
         liveness: any BackendLiveness, directory: NodeDirectory, sfu: SFUClientPool, metrics: BackendMetrics, geoIP: GeoIPDatabase?,
         policy: PlacementPolicy, proxies: TrustedProxies, logger: Logger) {
        self.configuration = configuration
        self.codec = codec
        self.coordinator = coordinator
        self.chat = chat
        self.liveness = liveness
        self.directory = directory
        self.sfu = sfu
        let instanceID = configuration.instanceID
        let maxParticipants = configuration.maxParticipantsPerNode
        let meshConfiguration = configuration.mesh ?? MeshConfiguration()
        let mesh = MeshOrchestrator(
            configuration: meshConfiguration, calls: PooledMeshNodeCalls(directory: directory, pool: sfu),
            topology: { await directory.meshTopology(unmeasuredRTT: meshConfiguration.unmeasuredRTT, maxParticipants: maxParticipants) },
            announce: { room, signal in
                do {
                    try await coordinator.publish(signal.event(room: room, origin: instanceID))
                } catch {
                    metrics.redisErrors.increment()
                }
            },
            logger: logger)
        self.mesh = mesh
        self.rooms = LocalRooms(coordinator: coordinator, mesh: { mesh.submit($0) })
        self.metrics = metrics
        self.geoIP = geoIP
        self.policy = policy
        self.proxies = proxies
        self.logger = logger
        self.joinGate = JoinGate(permits: configuration.joinConcurrency)
    }

    var instanceID: String { configuration.instanceID }

    /// Chooses the node for a client: GeoIP location of its address, RTT
    /// hints, region catalog, node loads. Counts and logs the decision.
    func place(_ admission: Admission) async -> Placement? {
        var location: GeoCoordinate?
        if let address = admission.clientAddress, let geoIP {
            location = geoIP.lookup(address).location?.coordinate
        }
        guard let placement = await directory.place(policy: policy, clientLocation: location, rttHints: admission.rttHints) else {
            logger.debug("no SFU node available", metadata: ["client": "\(admission.clientAddress ?? "?")"])
            return nil
        }
        metrics.regionAssignment(region: placement.node.region, reason: placement.reason)
        logger.debug("region assignment", metadata: [
            "client": "\(admission.clientAddress ?? "?")", "region": "\(placement.node.region)",
            "reason": "\(placement.reason)", "node": "\(placement.node.id)",
            "distance_km": "\(placement.distanceKm.map { String(Int($0.rounded())) } ?? "-")",
            "rtt_ms": "\(placement.rttMilliseconds.map { String($0) } ?? "-")",
        ])
        return placement
    }
}
