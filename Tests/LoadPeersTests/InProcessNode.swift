import EdgeNode
import Logging
import NIOPosix
import Testing

/// Polls `condition` until it holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Runs `body` against an SFU node started in this process on free ports,
/// with one event loop for the test's peers; stops both afterwards.
func withInProcessNode(
    id: String, _ body: (_ ports: BoundPorts, _ peers: MultiThreadedEventLoopGroup) async throws -> Void
) async throws {
    var node = NodeConfiguration()
    node.nodeID = id
    node.grpcPort = 0
    node.rtcPort = 0
    node.metricsPort = 0
    var logger = Logger(label: id)
    logger.logLevel = .warning
    let configuration = node
    let nodeLogger = logger
    let (ready, announce) = AsyncStream.makeStream(of: BoundPorts.self)
    let peers = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            try await NodeService(configuration: configuration, logger: nodeLogger).run { ports in
                announce.yield(ports)
                announce.finish()
            }
        }
        defer { tasks.cancelAll() }
        var iterator = ready.makeAsyncIterator()
        let ports = try #require(await iterator.next())
        try await body(ports, peers)
    }
    try await peers.shutdownGracefully()
}
