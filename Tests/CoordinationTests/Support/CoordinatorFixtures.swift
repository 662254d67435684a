import Foundation
import Testing
@testable import Coordination

/// The two `Coordinator` implementations; every shared test runs against both.
enum CoordinatorKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inProcess
    case redis

    var testDescription: String { rawValue }
}

/// Runs `body` with two handles onto one shared state, like two backend
/// instances: the same actor in process, two `RedisCoordinator`s (two
/// connection pairs) on one spawned redis-server.
func withCoordinators(
    _ kind: CoordinatorKind,
    configuration: CoordinatorConfiguration = CoordinatorConfiguration(keyPrefix: "test"),
    _ body: (any Coordinator, any Coordinator) async throws -> Void
) async throws {
    switch kind {
    case .inProcess:
        let coordinator = InProcessCoordinator(configuration: configuration)
        try await body(coordinator, coordinator)
        await coordinator.close()
    case .redis:
        try await withRedisServer { server in
            let first = RedisCoordinator(configuration: configuration, redis: server.configuration())
            let second = RedisCoordinator(configuration: configuration, redis: server.configuration())
            try await body(first, second)
            await first.close()
            await second.close()
        }
    }
}

enum Sample {
    /// A 32-byte X25519-sized key with 0x00, 0x0D 0x0A and 0xFF inside.
    static let trunkKey: [UInt8] = [0x00, 0xFF, 0x0D, 0x0A] + (4..<32).map { UInt8($0 &* 7) }

    static func node(_ id: String, region: String = "eu-central", load: NodeLoad = NodeLoad()) -> NodeRecord {
        NodeRecord(
            id: NodeID(id), region: RegionID(region),
            grpcAddress: "127.0.0.1:50051", rtcAddress: "192.0.2.1:40000", trunkAddress: "192.0.2.1:41000",
            trunkPublicKey: trunkKey, credential: "cred-\(id)", load: load)
    }

    static func member(_ id: String, backend: String = "backend-1") -> MemberRecord {
        MemberRecord(
            id: MemberID(id), identity: "user-\(id)", name: "User \(id)", region: RegionID("eu-central"),
            node: NodeID("sfu-1"), backend: backend, joinedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    static func track(_ id: String, member: String, muted: Bool = false) -> TrackRecord {
        TrackRecord(
            id: MediaTrackID(id), member: MemberID(member), kind: "video", source: "camera", name: "cam",
            muted: muted, simulcast: ["q", "h", "f"], region: RegionID("eu-central"), node: NodeID("sfu-1"))
    }
}

/// Clears `updatedAt` so records compare on everything the caller sent.
func withoutTimestamp(_ record: NodeRecord) -> NodeRecord {
    var copy = record
    copy.updatedAt = Date(timeIntervalSince1970: 0)
    return copy
}
