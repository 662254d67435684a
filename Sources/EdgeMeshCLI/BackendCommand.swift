import ArgumentParser
import ControlPlane
import Foundation
import Logging

/// `edgemesh backend`: the control plane (HTTP, WebSocket signaling, JWT, rooms, region choice).
struct BackendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backend",
        abstract: "Run the backend (control plane): HTTP + WebSocket signaling, JWT auth, rooms, chat, region choice.",
        discussion: "JWT_SECRET (at least 32 bytes) is read from the environment or --jwt-secret-file, never from a flag.")

    @Option(help: "Address the HTTP server binds to (BIND_HOST, default 127.0.0.1).") var bind: String?
    @Option(help: "HTTP/WebSocket port (PORT, default 8080).") var port: Int?
    @Option(name: .customLong("jwt-secret-file"), help: "File holding the JWT secret (instead of JWT_SECRET).")
    var jwtSecretFile: String?
    @Option(name: .customLong("redis-addr"), help: "Redis host:port (REDIS_ADDR); absent: in-process coordination.")
    var redisAddr: String?
    @Option(name: .customLong("geoip-db"), help: "MaxMind City database (GEOIP_DB).") var geoIPDB: String?
    @Option(name: .customLong("regions-dir"), help: "Region catalog directory (REGIONS_DIR, default regions).")
    var regionsDir: String?
    @Option(name: .customLong("default-region"), help: "Region for clients GeoIP cannot place (DEFAULT_REGION).")
    var defaultRegion: String?
    @Option(name: .customLong("trusted-proxies"), help: "CIDR list whose X-Forwarded-For is trusted (TRUSTED_PROXIES).")
    var trustedProxies: String?
    @Option(name: .customLong("sfu-addrs"), help: "Comma-separated SFU gRPC addresses (SFU_ADDRS).") var sfuAddrs: String?
    @Option(name: .customLong("public-ws-url"), help: "WebSocket URL for the web client (PUBLIC_WS_URL).") var publicWSURL: String?
    @Option(name: .customLong("max-node-participants"), help: "Participants per node before it counts as full (NODE_MAX_PARTICIPANTS, default 1000).")
    var maxNodeParticipants: Int?
    @Option(name: .customLong("idle-timeout"), help: "Seconds without a client message before the socket is closed (IDLE_TIMEOUT, default 60).")
    var idleTimeout: Int?
    @Option(name: .customLong("rate-limit"), help: "Client messages per second per connection (WS_RATE_LIMIT, default 50).")
    var rateLimit: Int?
    @Option(name: .customLong("rate-burst"), help: "Burst above the rate limit (WS_RATE_BURST, default 100).")
    var rateBurst: Int?
    @Option(name: .customLong("turn-urls"), help: "Comma-separated turn:/turns: URLs for joined.iceServers (TURN_URLS; secret from TURN_SECRET).")
    var turnURLs: String?
    @Option(name: .customLong("turn-ttl"), help: "Lifetime of TURN credentials, seconds (TURN_TTL, default 86400).") var turnTTL: Int?
    @Flag(name: .customLong("dev-mode"), help: "Enable POST /v1/dev/token (development only).") var devMode = false
    @Option(
        name: .customLong("log-level"),
        help: "Level, with optional per-subsystem overrides: info,signaling=debug (LOG_LEVEL, default info).")
    var logLevel: String?

    func run() async throws {
        let configuration = try makeConfiguration()
        let logger = try makeLogger(label: "edgemesh.backend", level: logLevel ?? Environment.string("LOG_LEVEL"))
        let backend: Backend
        do {
            backend = try await Backend(configuration: configuration, logger: logger)
        } catch {
            throw ValidationError("backend cannot start: \(error)")
        }
        try await Lifecycle.run(
            [.init(service: BackendLifecycleService(backend: backend), successTerminationBehavior: .gracefullyShutdownGroup)],
            logger: logger, gracefulShutdownLimit: .seconds(10))
    }

    func makeConfiguration() throws -> BackendConfiguration {
        let secret: String
        if let jwtSecretFile {
            guard let text = try? String(contentsOfFile: jwtSecretFile, encoding: .utf8) else {
                throw ValidationError("cannot read --jwt-secret-file \(jwtSecretFile)")
            }
            secret = text.trimmingCharacters(in: .newlines)
        } else if let value = Environment.string("JWT_SECRET") {
            secret = value
        } else {
            throw ValidationError("JWT_SECRET is required (at least 32 bytes); set it in the environment or use --jwt-secret-file")
        }
        var config = BackendConfiguration(jwtSecret: secret)
        config.host = bind ?? Environment.string("BIND_HOST") ?? config.host
        config.port = try port ?? Environment.int("PORT", range: 0...65535) ?? config.port
        config.redisAddress = redisAddr ?? Environment.string("REDIS_ADDR")
        config.geoIPDatabase = geoIPDB ?? Environment.string("GEOIP_DB")
        if let dir = regionsDir ?? Environment.string("REGIONS_DIR") {
            config.regionsDirectory = dir
            config.regionsDirectoryIsExplicit = true
        }
        config.defaultRegion = defaultRegion ?? Environment.string("DEFAULT_REGION")
        config.trustedProxies = trustedProxies ?? Environment.string("TRUSTED_PROXIES") ?? ""
        config.sfuAddresses = (sfuAddrs ?? Environment.string("SFU_ADDRS") ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        config.publicWebSocketURL = publicWSURL ?? Environment.string("PUBLIC_WS_URL")
        config.maxParticipantsPerNode =
            try maxNodeParticipants ?? Environment.int("NODE_MAX_PARTICIPANTS", range: 1...1_000_000) ?? config.maxParticipantsPerNode
        if let seconds = try idleTimeout ?? Environment.int("IDLE_TIMEOUT", range: 1...86400) {
            config.idleTimeout = .seconds(seconds)
        }
        config.joinConcurrency = try Environment.int("JOIN_CONCURRENCY", range: 1...10_000) ?? config.joinConcurrency
        if let rate = try rateLimit ?? Environment.int("WS_RATE_LIMIT", range: 1...100_000) { config.messagesPerSecond = Double(rate) }
        if let burst = try rateBurst ?? Environment.int("WS_RATE_BURST", range: 1...100_000) { config.messageBurst = Double(burst) }
        config.devMode = devMode
        let turnURLList = (turnURLs ?? Environment.string("TURN_URLS") ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !turnURLList.isEmpty {
            config.turn = try TURNConfiguration(
                urls: turnURLList, secret: Environment.string("TURN_SECRET") ?? "",
                ttlSeconds: try turnTTL ?? Environment.int("TURN_TTL", range: 60...604_800) ?? 86_400)
        }
        config.probeURLs = try ProbeURLs.parse(Environment.string("PROBE_URLS") ?? "")
        config.keyPrefix = Environment.string("EDGEMESH_KEY_PREFIX") ?? config.keyPrefix
        return config
    }
}
