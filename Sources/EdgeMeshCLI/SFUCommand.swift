import Foundation
import ArgumentParser
import EdgeNode
import Logging
import NIOPosix

/// `edgemesh sfu`: one SFU node of one region.
struct SFUCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sfu",
        abstract: "Run one SFU node (media plane): ICE-lite, DTLS-SRTP, RTP forwarding, gRPC control API.")

    @Option(help: "Region this node serves (REGION).") var region: String?
    @Option(name: .customLong("node-id"), help: "Node id, unique in the mesh (NODE_ID).") var nodeID: String?
    @Option(help: "Address every socket binds to (BIND_HOST, default 127.0.0.1).") var bind: String?
    @Option(name: .customLong("bind6"), help: "IPv6 address for a second media socket and an IPv6 candidate (BIND_HOST6).")
    var bind6: String?
    @Option(name: .customLong("announce-ip6"), help: "IPv6 address put in ICE candidates (ANNOUNCE_IP6, default: --bind6).")
    var announceIP6: String?
    @Option(name: .customLong("grpc-port"), help: "gRPC control port (GRPC_PORT, default 50051).") var grpcPort: Int?
    @Option(name: .customLong("rtc-port"), help: "UDP port for all WebRTC media (RTC_PORT, default 40000).") var rtcPort: Int?
    @Option(name: .customLong("announce-ip"), help: "Address put in ICE candidates (ANNOUNCE_IP, default: the bind address).")
    var announceIP: String?
    @Option(
        name: .customLong("rtc-tcp-port"),
        help: "ICE-TCP port for media when UDP is blocked (RTC_TCP_PORT, default: the RTC port's number; off disables).")
    var rtcTCPPort: String?
    @Option(
        name: .customLong("tcp-write-queue-bytes"),
        help: "Bytes one ICE-TCP connection may queue before dropping its oldest packets (TCP_WRITE_QUEUE_BYTES, default 131072).")
    var tcpWriteQueueBytes: Int?
    @Option(
        name: .customLong("relay-ips"),
        help: "Comma-separated relay addresses of your TURN servers; paths from them count as relay (RELAY_IPS).")
    var relayIPs: String?
    @Option(name: .customLong("metrics-port"), help: "Port of /metrics and /healthz (METRICS_PORT, default 9090).")
    var metricsPort: Int?
    @Option(
        name: .customLong("consent-timeout"),
        help: "Close a transport after this many seconds without a valid ICE check (CONSENT_TIMEOUT, default 30).")
    var consentTimeout: Int?
    @Option(
        name: .customLong("shutdown-timeout"),
        help: "On SIGTERM, drain for at most this many seconds, then exit (SHUTDOWN_TIMEOUT, default 30).")
    var shutdownTimeout: Int?
    @Option(
        name: .customLong("log-level"),
        help: "Level, with optional per-subsystem overrides: info,trunk=debug (LOG_LEVEL, default info).")
    var logLevel: String?
    @Option(name: .customLong("trunk-port"), help: "UDP port of trunks to other nodes (TRUNK_PORT, default 40001).")
    var trunkPort: Int?
    @Option(
        name: .customLong("mesh-credential"),
        help: "Node credential file from `edgemesh mesh issue-node` (MESH_CREDENTIAL); without it the node has no trunks.")
    var meshCredential: String?
    @Option(name: .customLong("mesh-node-key"), help: "The node's static key file (default: ID.key beside ID.credential).")
    var meshNodeKey: String?
    @Option(name: .customLong("redis-addr"), help: "Registry Redis host:port (REDIS_ADDR); the node announces itself there.")
    var redisAddr: String?

    func validate() throws {
        if let trunkPort, !(0...65535).contains(trunkPort) {
            throw ValidationError("--trunk-port must be 0 to 65535, got \(trunkPort)")
        }
        if let consentTimeout, !(1...3600).contains(consentTimeout) {
            throw ValidationError("--consent-timeout must be 1 to 3600 seconds, got \(consentTimeout)")
        }
        if let shutdownTimeout, !(0...86400).contains(shutdownTimeout) {
            throw ValidationError("--shutdown-timeout must be 0 to 86400 seconds, got \(shutdownTimeout)")
        }
    }

    func run() async throws {
        var config = NodeConfiguration()
        config.region = region ?? Environment.string("REGION") ?? config.region
        config.nodeID = nodeID ?? Environment.string("NODE_ID") ?? config.nodeID
        config.bindHost = bind ?? Environment.string("BIND_HOST") ?? config.bindHost
        config.grpcPort = try grpcPort ?? Environment.int("GRPC_PORT", range: 0...65535) ?? config.grpcPort
        config.rtcPort = try rtcPort ?? Environment.int("RTC_PORT", range: 0...65535) ?? config.rtcPort
        config.metricsPort = try metricsPort ?? Environment.int("METRICS_PORT", range: 0...65535) ?? config.metricsPort
        config.consentTimeoutSeconds = try consentTimeout ?? Environment.int("CONSENT_TIMEOUT", range: 1...3600)
            ?? config.consentTimeoutSeconds
        config.announceIP = announceIP ?? Environment.string("ANNOUNCE_IP")
        if let tcp = rtcTCPPort ?? Environment.string("RTC_TCP_PORT") {
            if tcp == "off" {
                config.rtcTCPEnabled = false
            } else if let port = Int(tcp), (0...65535).contains(port) {
                config.rtcTCPPort = port
            } else {
                throw ValidationError("RTC_TCP_PORT must be a port number (0-65535) or off, got \(tcp)")
            }
        }
        config.mediaThreadNice = try Environment.int("MEDIA_THREAD_NICE", range: -20...19) ?? config.mediaThreadNice
        config.tcpWriteQueueBytes = try tcpWriteQueueBytes ?? Environment.int("TCP_WRITE_QUEUE_BYTES", range: 1500...(64 << 20))
            ?? config.tcpWriteQueueBytes
        guard (1500...(64 << 20)).contains(config.tcpWriteQueueBytes) else {
            throw ValidationError("--tcp-write-queue-bytes must be 1500 to 67108864")
        }
        config.relayIPs = Set((relayIPs ?? Environment.string("RELAY_IPS") ?? "")
            .split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        config.bindHostV6 = bind6 ?? Environment.string("BIND_HOST6")
        config.announceIPv6 = announceIP6 ?? Environment.string("ANNOUNCE_IP6")
        switch Environment.string("SRTP_AEAD") {
        case nil, "openssl": config.srtpAEAD = .openSSL
        case "libsrtp": config.srtpAEAD = .libsrtp
        case let other?: throw ValidationError("SRTP_AEAD must be openssl or libsrtp, got \(other)")
        }
        config.trunkPort = try trunkPort ?? Environment.int("TRUNK_PORT", range: 0...65535) ?? config.trunkPort
        config.meshCredentialPath = meshCredential ?? Environment.string("MESH_CREDENTIAL")
        config.meshNodeKeyPath = meshNodeKey
        config.redisAddress = redisAddr ?? Environment.string("REDIS_ADDR")
        config.registryKeyPrefix = Environment.string("EDGEMESH_KEY_PREFIX") ?? config.registryKeyPrefix
        let logger = try makeLogger(label: "edgemesh.sfu", level: logLevel ?? Environment.string("LOG_LEVEL"))
        let drainSeconds = try shutdownTimeout ?? Environment.int("SHUTDOWN_TIMEOUT", range: 0...86400) ?? 30
        let node = NodeService(configuration: config, logger: logger)
        try await Lifecycle.run(
            // A drained node returns from `run`: that ends the process normally.
            [.init(service: NodeLifecycleService(node: node, drainTimeout: .seconds(drainSeconds)),
                   successTerminationBehavior: .gracefullyShutdownGroup)],
            logger: logger, gracefulShutdownLimit: .seconds(drainSeconds + 10), interruptCancels: true)
    }
}
