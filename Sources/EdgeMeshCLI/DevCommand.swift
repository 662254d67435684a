import ArgumentParser
import ControlPlane
import EdgeNode
import Foundation
import Coordination
import GRPCInProcessTransport
import Logging
import NIOPosix
import ServiceLifecycle
import Trunk

/// `edgemesh dev`: the embedded default. One process on loopback: one SFU
/// node per region file of `REGIONS_DIR` and the backend in dev mode (web
/// API, web client, dev tokens) on `PORT`, with a throwaway JWT secret unless
/// `JWT_SECRET` is set. The nodes trunk to each other: a throwaway mesh key
/// and one credential per node are written to a temporary directory, and the
/// nodes share one in-process registry (Redis with `REDIS_ADDR`). The backend
/// calls each node over an in-process gRPC transport; the nodes still serve
/// their TCP gRPC ports (for `edgemesh drain`, `edgemesh nodes`, other backends).
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
            config.trunkPort = basePort + regions.count * 3 + index
            return config
        }
        let meshDirectory = try DevMesh.issueCredentials(for: nodes)
        let nodesWithMesh = nodes.map { node in
            var node = node
            node.meshCredentialPath = meshDirectory.map { "\($0)/\(node.nodeID).credential" }
            node.redisAddress = Environment.string("REDIS_ADDR")
            return node
        }
        // One registry for every node of the process (the backend keeps its own
        // and reaches the nodes by SFU_ADDRS-style addresses).
        let registry: (any Coordinator)? = Environment.string("REDIS_ADDR") == nil ? InProcessCoordinator() : nil
        let backendConfiguration = try makeBackendConfiguration(directory: directory, nodes: nodes)
        printBanner(nodes: nodesWithMesh, backend: backendConfiguration, meshDirectory: meshDirectory)
        defer { if let meshDirectory { try? FileManager.default.removeItem(atPath: meshDirectory) } }
        let links = DevLinks(addresses: backendConfiguration.sfuAddresses)
        let backend: Backend
        do {
            // Each service logs under its own label, so LOG_LEVEL=info,sfu=debug works here as in production.
            backend = try await Backend(
                configuration: backendConfiguration, logger: Logger(label: "edgemesh.backend"),
                inProcessNodes: links.clients)
        } catch {
            throw ValidationError("backend cannot start: \(error)")
        }
        // Shutdown order: services stop in reverse order, so on SIGTERM the
        // backend stops first (its gRPC streams to the nodes end cleanly),
        // then the nodes. A node that ends (drained through its Drain RPC)
        // leaves the others running.
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = zip(nodesWithMesh, links.servers).map { node, link in
            .init(service: NodeLifecycleService(
                    node: NodeService(
                        configuration: node, logger: Logger(label: "edgemesh.sfu"), coordinator: registry,
                        inProcessServer: link),
                    drainTimeout: nil),
                  successTerminationBehavior: .ignore)
        } + [.init(service: BackendLifecycleService(backend: backend))]
        try await Lifecycle.run(services, logger: logger, gracefulShutdownLimit: .seconds(10))
    }

    /// Joins set up at once in the embedded stack: its nodes are in-process,
    /// so a join's setup is CPU on the same cores, not waiting on a network.
    static let joinConcurrency = 8

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
        config.joinConcurrency = try Environment.int("JOIN_CONCURRENCY", range: 1...10_000) ?? Self.joinConcurrency
        config.sfuAddresses = nodes.map { "127.0.0.1:\($0.grpcPort)" }
        // Not the nodes' own /probe by default: on one loopback host every region measures
        // about the same, and a room split over nodes needs trunks (not built yet).
        config.probeURLs = try ProbeURLs.parse(Environment.string("PROBE_URLS") ?? "")
        return config
    }

    private func printBanner(nodes: [NodeConfiguration], backend: BackendConfiguration, meshDirectory: String?) {
        print("EdgeMesh dev stack (loopback only)")
        print("  open     http://127.0.0.1:\(backend.port)/  (the conference page)")
        print("  backend  dev tokens: POST /v1/dev/token; regions: GET /v1/regions; metrics: /metrics")
        for node in nodes {
            print("  sfu \(node.nodeID) region \(node.region): grpc 127.0.0.1:\(node.grpcPort)  "
                + "media udp 127.0.0.1:\(node.rtcPort)  metrics http://127.0.0.1:\(node.metricsPort)/metrics"
                + (node.meshCredentialPath == nil ? "" : "  trunk udp 127.0.0.1:\(node.trunkPort)"))
        }
        print("  backend → nodes: in-process gRPC (the nodes' TCP gRPC ports serve operators and other backends)")
        print("  coordination: \(backend.redisAddress.map { "redis \($0)" } ?? "in-process")"
            + "  geoip: \(backend.geoIPDatabase ?? "none (every client goes to the default region)")")
        if let meshDirectory {
            print("  trunks: every node pair, throwaway mesh key and credentials in \(meshDirectory)")
            print("  relaying: the backend plans each track's relay tree over the trunks (PullTrack)")
        } else {
            print("  trunks: off (region ids must be [a-z0-9-] to issue node credentials)")
        }
    }
}

/// The in-process gRPC transports of `edgemesh dev`, one per node, in node
/// order: the backend calls node *i* at `addresses[i]` through `clients`,
/// node *i* serves `servers[i]` besides its TCP port.
struct DevLinks {
    let servers: [InProcessTransport.Server]
    let clients: [String: InProcessTransport.Client]

    init(addresses: [String]) {
        let transports = addresses.map { _ in InProcessTransport() }
        servers = transports.map(\.server)
        clients = Dictionary(zip(addresses, transports.map(\.client)), uniquingKeysWith: { first, _ in first })
    }
}

/// The throwaway mesh of `edgemesh dev`: a mesh signing key (never written)
/// and one credential and static key per node in a fresh temporary directory.
enum DevMesh {
    /// Returns the directory, or nil when some node or region id cannot be a credential's.
    static func issueCredentials(for nodes: [NodeConfiguration]) throws -> String? {
        var issued: [(String, String, String)] = []  // node id, credential file, key file
        let signingKey = TrunkSigningKey.generate()
        let now = TrunkTime.now().unixSeconds
        for node in nodes {
            guard let nodeID = MeshNodeID(rawValue: node.nodeID), let regionID = MeshRegionID(rawValue: node.region) else {
                return nil
            }
            let staticKey = TrunkX25519PrivateKey.generate()
            let credential = try MeshCredential.issue(
                nodeID: nodeID, regionID: regionID, staticKey: staticKey.publicKey, issuedAt: now,
                validitySeconds: 7 * 86_400, signingKey: signingKey)
            issued.append((
                node.nodeID, try MeshFiles.credentialFile(credential, meshKey: signingKey.verifyingKey),
                MeshFiles.nodeKeyFile(nodeID: nodeID, key: staticKey)))
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("edgemesh-dev-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for (id, credential, key) in issued {
            guard FileManager.default.createFile(
                atPath: "\(directory)/\(id).credential", contents: Data(credential.utf8), attributes: [.posixPermissions: 0o644]),
                FileManager.default.createFile(
                    atPath: "\(directory)/\(id).key", contents: Data(key.utf8), attributes: [.posixPermissions: 0o600])
            else { throw ValidationError("cannot write the dev mesh credentials to \(directory)") }
        }
        return directory
    }
}
