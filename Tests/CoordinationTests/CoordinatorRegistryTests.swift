import Foundation
import Synchronization
import Testing
@testable import Coordination

/// The node registry, run against both implementations.
@Suite("Coordinator node registry")
struct CoordinatorRegistryTests {
    @Test("a registered node is listed with every field intact", arguments: CoordinatorKind.allCases)
    func registerAndList(kind: CoordinatorKind) async throws {
        try await withCoordinators(kind) { nodeSide, backendSide in
            let record = Sample.node("sfu-eu-1", load: NodeLoad(participants: 3, tracks: 7))
            let before = Date()
            try await nodeSide.register(record)
            let listed = try await backendSide.healthyNodes()
            #expect(listed.map(withoutTimestamp) == [record])
            let updatedAt = try #require(listed.first).updatedAt
            #expect(abs(updatedAt.timeIntervalSince(before)) < 5)
            #expect(listed.first?.trunkPublicKey == Sample.trunkKey)
        }
    }

    @Test("healthyNodes(in:) filters by region; deregister removes at once", arguments: CoordinatorKind.allCases)
    func regionsAndDeregister(kind: CoordinatorKind) async throws {
        try await withCoordinators(kind) { nodeSide, backendSide in
            try await nodeSide.register(Sample.node("a1", region: "eu-central"))
            try await nodeSide.register(Sample.node("a2", region: "eu-central"))
            try await nodeSide.register(Sample.node("b1", region: "us-east"))
            #expect(try await backendSide.healthyNodes(in: RegionID("eu-central")).map(\.id) == [NodeID("a1"), NodeID("a2")])
            #expect(try await backendSide.healthyNodes(in: RegionID("us-east")).map(\.id) == [NodeID("b1")])
            try await nodeSide.deregister(NodeID("a1"))
            #expect(try await backendSide.healthyNodes().map(\.id) == [NodeID("a2"), NodeID("b1")])
            #expect(try await nodeSide.renew(NodeID("a1"), load: NodeLoad()) == false)
        }
    }

    @Test("an unrenewed lease expires; renew then reports false", arguments: CoordinatorKind.allCases)
    func leaseExpires(kind: CoordinatorKind) async throws {
        let configuration = CoordinatorConfiguration(leaseDuration: .milliseconds(300), keyPrefix: "test")
        try await withCoordinators(kind, configuration: configuration) { nodeSide, backendSide in
            try await nodeSide.register(Sample.node("short"))
            #expect(try await backendSide.healthyNodes().count == 1)
            try await eventually(within: .seconds(20), "the lease to expire") {
                (try? await backendSide.healthyNodes())?.isEmpty == true ? true : nil
            }
            #expect(try await nodeSide.renew(NodeID("short"), load: NodeLoad()) == false)
            try await nodeSide.register(Sample.node("short"))
            #expect(try await backendSide.healthyNodes().map(\.id) == [NodeID("short")])
        }
    }

    @Test("renewing keeps a node listed past its lease and updates its load", arguments: CoordinatorKind.allCases)
    func renewKeepsAlive(kind: CoordinatorKind) async throws {
        let configuration = CoordinatorConfiguration(
            leaseDuration: .milliseconds(3_000), renewInterval: .milliseconds(250), keyPrefix: "test")
        try await withCoordinators(kind, configuration: configuration) { nodeSide, backendSide in
            try await nodeSide.register(Sample.node("steady"))
            // The lease is 12 renew intervals long so a loaded machine that
            // delays a few renewals does not let it lapse; the loop still
            // runs past one whole lease.
            let started = ContinuousClock.now
            var round = 0
            // Renew on the configured interval for longer than one lease.
            while ContinuousClock.now - started < .milliseconds(3_500) {
                try await Task.sleep(for: configuration.renewInterval)
                round += 1
                #expect(try await nodeSide.renew(NodeID("steady"), load: NodeLoad(participants: round, tracks: 0)))
            }
            let listed = try await backendSide.healthyNodes()
            #expect(listed.map(\.id) == [NodeID("steady")])
            #expect(listed.first?.load == NodeLoad(participants: round, tracks: 0))
        }
    }

    @Test("in-process leases follow the injected clock: listed at 5.999 s, gone at 6 s")
    func manualClockLease() async throws {
        let start = ContinuousClock.now
        let offset = Mutex<Duration>(.zero)
        let coordinator = InProcessCoordinator(now: { start + offset.withLock { $0 } })
        try await coordinator.register(Sample.node("n"))
        offset.withLock { $0 = .milliseconds(5_999) }
        #expect(try await coordinator.healthyNodes().count == 1)
        #expect(try await coordinator.renew(NodeID("n"), load: NodeLoad(participants: 1)))
        offset.withLock { $0 = .milliseconds(5_999 + 5_999) }
        #expect(try await coordinator.healthyNodes().first?.load == NodeLoad(participants: 1))
        offset.withLock { $0 = .milliseconds(5_999 + 6_000) }
        #expect(try await coordinator.healthyNodes().isEmpty)
        #expect(try await coordinator.renew(NodeID("n"), load: NodeLoad()) == false)
        await coordinator.close()
        await #expect(throws: RedisError.closed) { try await coordinator.healthyNodes() }
    }

    @Test("a corrupt registry entry in Redis is a malformedRecord error, not a crash")
    func corruptRedisRecord() async throws {
        try await withRedisServer { server in
            let coordinator = RedisCoordinator(
                configuration: CoordinatorConfiguration(keyPrefix: "test"), redis: server.configuration())
            try await coordinator.client.set("test:node:bad", .bytes([0x7B, 0x00, 0xFF]))  // "{", NUL, 0xFF
            try await coordinator.client.sadd("test:nodes", ["bad"])
            await #expect {
                _ = try await coordinator.healthyNodes()
            } throws: { error in
                guard case RedisError.malformedRecord(let key, _) = error else { return false }
                return key == "test:node:bad"
            }
            await coordinator.close()
        }
    }
}
