/// Configuration of `edgemesh backend` (ARCHITECTURE.md "Configuration"):
/// each field names its environment variable; flags of the same meaning
/// are parsed by the CLI.
public struct BackendConfiguration: Sendable {
    /// `JWT_SECRET` (required, at least 32 bytes).
    public var jwtSecret: String
    /// `BIND_HOST`: address the HTTP server binds to. Default loopback.
    public var host: String = "127.0.0.1"
    /// `PORT`: HTTP and WebSocket port. Default 8080.
    public var port: Int = 8080
    /// `REDIS_ADDR` (`host:port`): absent means in-process coordination, one instance only.
    public var redisAddress: String?
    /// `GEOIP_DB`: a MaxMind City database; absent means every client gets `defaultRegion`.
    public var geoIPDatabase: String?
    /// `REGIONS_DIR`: the region catalog. Default `regions`.
    public var regionsDirectory: String = "regions"
    /// Whether `regionsDirectory` was given explicitly (then an unreadable one is an error).
    public var regionsDirectoryIsExplicit = false
    /// `DEFAULT_REGION`: default: the first region of the catalog by id.
    public var defaultRegion: String?
    /// `TRUSTED_PROXIES`: CIDR list whose `X-Forwarded-For` is believed.
    public var trustedProxies: String = ""
    /// `SFU_ADDRS`: gRPC addresses of SFU nodes (registry-less deployment).
    public var sfuAddresses: [String] = []
    /// `PUBLIC_WS_URL`: the WebSocket URL the web client should use, when not the page's origin.
    public var publicWebSocketURL: String?
    /// `PROBE_URLS`: region id → URL the web client measures its RTT to (`ProbeURLs`);
    /// listed as `probe` in `GET /v1/regions`. A region without one is not probed.
    public var probeURLs: [String: String] = [:]
    /// Dev mode (`edgemesh dev`): enables `POST /v1/dev/token`.
    public var devMode = false
    /// A node with this many participants takes no more (`NODE_MAX_PARTICIPANTS`).
    public var maxParticipantsPerNode = 1000
    /// `JOIN_CONCURRENCY`: joins whose server-side setup (placement,
    /// transports, room state, `joined`, the first offer) runs at the same
    /// time; later ones wait in arrival order (`JoinGate`). 32 for a backend
    /// whose nodes and Redis are remote (each join mostly waits on them);
    /// `edgemesh dev`, where that setup is all CPU in one process, uses 8.
    public var joinConcurrency = 32
    /// Close a socket after this long without a client message (PROTOCOL: 60 s without a ping).
    public var idleTimeout: Duration = .seconds(60)
    /// Sustained client messages per second per connection (`rate_limited` beyond).
    public var messagesPerSecond: Double = 50
    /// Burst of client messages allowed above the sustained rate.
    public var messageBurst: Double = 100
    /// Largest WebSocket message, in bytes (64 KiB).
    public var maxMessageBytes = 65536
    /// How often the node list is refreshed.
    public var nodeRefreshInterval: Duration = .seconds(2)
    /// Deadline of each SFU gRPC call.
    public var sfuCallTimeout: Duration = .seconds(5)
    /// `iceServers` sent in `joined` (the SFU is ICE-lite with host candidates: none needed).
    public var iceServers: [JSONValue] = []
    /// `TURN_URLS`, `TURN_SECRET`, `TURN_TTL`: TURN servers added to
    /// `joined.iceServers` with per-participant time-limited credentials.
    public var turn: TURNConfiguration?
    /// Id of this backend instance (in member records and room events).
    public var instanceID: String = "be-" + RandomID.make(length: 10)
    /// Prefix of Redis keys and channels.
    public var keyPrefix: String = "edgemesh"
    /// Edge-mesh orchestration (`MESH_*`); nil: read from the environment when the backend starts.
    public var mesh: MeshConfiguration?
    /// Lifetime of tokens minted by `POST /v1/dev/token`.
    public var devTokenTTL: Double = 6 * 3600

    public init(jwtSecret: String) {
        self.jwtSecret = jwtSecret
    }
}

/// Random identifiers (`PA_…`, `CH_…`).
public enum RandomID {
    private static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")

    public static func make(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<max(1, length)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    public static func make(prefix: String, length: Int = 12) -> String { prefix + make(length: length) }
}
