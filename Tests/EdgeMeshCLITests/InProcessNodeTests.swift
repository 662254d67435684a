import EdgeNode
import GRPCInProcessTransport
import Logging
import Testing

@testable import ControlPlane
@testable import EdgeMeshCLI

/// The backend → node path of `edgemesh dev`: grpc-swift's in-process
/// transport, no TCP. The node is reached at an address where nothing
/// listens (`127.0.0.1:1`), so a call that dialed TCP would fail.
@Suite("Backend → node over the in-process transport", .timeLimit(.minutes(1)))
struct InProcessNodeTests {
    /// Nothing listens here: only the in-process transport can answer.
    static let address = "127.0.0.1:1"

    static let logger: Logger = {
        var logger = Logger(label: "inprocess-test")
        logger.logLevel = .warning
        return logger
    }()

    /// A node on free ports serving `server` too; runs `body` while it runs.
    static func withNode<T: Sendable>(
        id: String, server: InProcessTransport.Server, _ body: () async throws -> T
    ) async throws -> T {
        var configuration = NodeConfiguration()
        configuration.nodeID = id
        configuration.region = "test"
        configuration.grpcPort = 0
        configuration.rtcPort = 0
        configuration.metricsPort = 0
        configuration.rtcTCPEnabled = false
        let node = NodeService(configuration: configuration, logger: logger, inProcessServer: server)
        let (ready, announce) = AsyncStream.makeStream(of: BoundPorts.self)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                try await node.run { ports in
                    announce.yield(ports)
                    announce.finish()
                }
            }
            defer { tasks.cancelAll() }
            var iterator = ready.makeAsyncIterator()
            _ = try #require(await iterator.next())
            return try await body()
        }
    }

    /// Runs `pool`'s connections around `body`.
    static func withPool<T: Sendable>(_ pool: SFUClientPool, _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await pool.run() }
            defer {
                pool.shutdown()
                tasks.cancelAll()
            }
            return try await body()
        }
    }

    @Test("CreateParticipant and GetNodeStats complete in-process; the same address over TCP fails")
    func unaryCallsInProcess() async throws {
        let transport = InProcessTransport()
        let pool = SFUClientPool(timeout: .seconds(5), inProcess: [Self.address: transport.client])
        #expect(pool.isInProcess(Self.address))
        #expect(!pool.isInProcess("127.0.0.1:2"))
        let (node, participants) = try await Self.withNode(id: "inproc-1", server: transport.server) {
            try await Self.withPool(pool) {
                let client = try pool.client(for: Self.address)
                let created = try await client.createParticipant(room: "room-a", participant: "alice")
                let stats = try await client.stats()
                #expect(created.node == stats.nodeID)
                return (created.node, stats.participants)
            }
        }
        #expect(node == "inproc-1")
        #expect(participants == 1)

        // Control: without the in-process transport the address is unreachable.
        let tcpOnly = SFUClientPool(timeout: .seconds(2))
        let failure = try await Self.withPool(tcpOnly) { () async throws -> SFUCallError? in
            do {
                _ = try await tcpOnly.client(for: Self.address).stats()
                return nil
            } catch {
                return error as? SFUCallError
            }
        }
        #expect(failure?.method == "GetNodeStats")
    }

    @Test("A backend built with the dev links finds its node healthy through GetNodeStats, in-process")
    func backendDirectoryInProcess() async throws {
        let links = DevLinks(addresses: [Self.address])
        #expect(links.servers.count == 1)
        #expect(Set(links.clients.keys) == [Self.address])
        var configuration = BackendConfiguration(jwtSecret: String(repeating: "k", count: 32))
        configuration.port = 0
        configuration.sfuAddresses = [Self.address]
        let backend = try await Backend(
            configuration: configuration, logger: Self.logger, inProcessNodes: links.clients)
        let services = backend.services
        let nodes = try await Self.withNode(id: "inproc-2", server: links.servers[0]) {
            try await Self.withPool(services.sfu) {
                try await services.directory.refresh()
                return await services.directory.snapshot()
            }
        }
        #expect(nodes.map(\.id) == ["inproc-2"])
        #expect(nodes.first?.healthy == true)
        #expect(nodes.first?.grpcAddress == Self.address)
    }
}
