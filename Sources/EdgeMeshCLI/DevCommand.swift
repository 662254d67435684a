import ArgumentParser
import ControlPlane
import EdgeNode
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Trunk

/// `edgemesh dev`: the embedded default. One process on loopback: one SFU
/// node per region file of `REGIONS_DIR` and the backend in dev mode (web
/// API, web client, dev tokens) on `PORT`, with a throwaway JWT secret unless
/// `JWT_SECRET` is set. Trunks between the nodes are not built yet.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run the embedded development stack on loopback: the backend and one SFU node per region file.")

    @Option(name: .customLong("regions-dir"), help: "Regions catalog directory (REGIONS_DIR, default regions/).")
    var regionsDir: String?
    @Option(help: "Backend HTTP/WebSocket port (PORT, default 8080).") var port: Int?
    @Option(name: .customLong("base-port"), help: "First port of the SFU nodes (gRPC, metrics and RTC ports count up from it).")
    var basePort: Int = 50051
    @Option(name: .customLong("log-level"), help: "Level, with optional per-subsystem overrides: info,sfu=debug (LOG_LEVEL, default info).")
    var logLevel: String?

    func run() async throws {
        let directory = regionsDir ?? Environment.string("REGIONS_DIR") ?? "regions"
        let regions: [String]
        do {
            regions = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
        } catch {
            throw ValidationError("cannot read regions directory \(directory): \(error.localizedDescription)")
        }
        guard !regions.isEmpty else { throw ValidationError("no region files (*.yaml) in \(directory)") }
        let logger = try makeLogger(label: "edgemesh.dev", level: logLevel ?? Environment.string("LOG_LEVEL"))
        let nodes = regions.enumerated().map { index, region in
            var config = NodeConfiguration()
            config.region = region
            config.nodeID = "\(region)-1"
            config.grpcPort = basePort + index * 3
            config.metricsPort = basePort + index * 3 + 1
            config.rtcPort = basePort + index * 3 + 2
            return config
        }
        let backendConfiguration = try makeBackendConfiguration(directory: directory, nodes: nodes)
        printBanner(nodes: nodes, backend: backendConfiguration)
        let backend: Backend
        do {
            // Each service logs under its own label, so LOG_LEVEL=info,sfu=debug works here as in production.
            backend = try await Backend(configuration: backendConfiguration, logger: Logger(label: "edgemesh.backend"))
        } catch {
            throw ValidationError("backend cannot start: \(error)")
        }
        // Shutdown order: services stop in reverse order, so on SIGTERM the
        // backend stops first (its gRPC streams to the nodes end cleanly),
        // then the nodes. A node that ends (drained through its Drain RPC)
        // leaves the others running.
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = nodes.map { node in
            .init(service: NodeLifecycleService(node: NodeService(configuration: node, logger: Logger(label: "edgemesh.sfu")),
                                                drainTimeout: nil),
                  successTerminationBehavior: .ignore)
        } + [.init(service: BackendLifecycleService(backend: backend))]
        try await Lifecycle.run(services, logger: logger, gracefulShutdownLimit: .seconds(10))
    }

    private func makeBackendConfiguration(directory: String, nodes: [NodeConfiguration]) throws -> BackendConfiguration {
        // A throwaway secret per run unless JWT_SECRET is given; never printed.
        let secret = Environment.string("JWT_SECRET") ?? TrunkBase64.encode(TrunkRandom.bytes(count: 32))
        var config = BackendConfiguration(jwtSecret: secret)
        config.devMode = true
        config.port = try port ?? Environment.int("PORT", range: 0...65535) ?? config.port
        config.regionsDirectory = directory
        config.regionsDirectoryIsExplicit = true
        config.geoIPDatabase = Environment.string("GEOIP_DB")
        config.defaultRegion = Environment.string("DEFAULT_REGION")
        config.trustedProxies = Environment.string("TRUSTED_PROXIES") ?? ""
        config.redisAddress = Environment.string("REDIS_ADDR")
        config.sfuAddresses = nodes.map { "127.0.0.1:\($0.grpcPort)" }
        return config
    }

    private func printBanner(nodes: [NodeConfiguration], backend: BackendConfiguration) {
        print("EdgeMesh dev stack (loopback only)")
        print("  open     http://127.0.0.1:\(backend.port)/  (the conference page)")
        print("  backend  dev tokens: POST /v1/dev/token; regions: GET /v1/regions; metrics: /metrics")
        for node in nodes {
            print("  sfu \(node.nodeID) region \(node.region): grpc 127.0.0.1:\(node.grpcPort)  "
                + "media udp 127.0.0.1:\(node.rtcPort)  metrics http://127.0.0.1:\(node.metricsPort)/metrics")
        }
        print("  coordination: \(backend.redisAddress.map { "redis \($0)" } ?? "in-process")"
            + "  geoip: \(backend.geoIPDatabase ?? "none (every client goes to the default region)")")
        print("  not yet: trunks between the nodes (a room works when its participants share a node)")
    }
}
