import Coordination
import Testing

@testable import ControlPlane

@Suite("Drain migration")
struct DrainMigrationTests {
    /// `migrate` goes to every local participant placed on the draining node, in any room, and to no one else.
    @Test func migrateReachesOnlyTheDrainingNodesParticipants() async throws {
        let rooms = LocalRooms(coordinator: InProcessCoordinator())
        let inboxes = [("a1", "room-1", "node-a"), ("a2", "room-2", "node-a"), ("b1", "room-1", "node-b")].map { id, room, node in
            let (stream, continuation) = AsyncStream<SessionInput>.makeStream()
            return (id, RoomID(room), node, stream, continuation)
        }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await rooms.run() }
            for (id, room, node, _, continuation) in inboxes {
                try await rooms.attach(room: room, member: .init(id: MemberID(id), node: node, inbox: continuation))
            }
            rooms.deliver(.migrate(reason: "draining"), node: "node-a")
            rooms.deliver(.closed(reason: "end of test"), room: RoomID("room-1"))
            rooms.deliver(.closed(reason: "end of test"), room: RoomID("room-2"))
            var received: [String: [String]] = [:]
            for (id, _, _, stream, _) in inboxes {
                for await input in stream {
                    switch input {
                    case .migrate(let reason): received[id, default: []].append("migrate \(reason)")
                    case .closed: received[id, default: []].append("closed")
                    default: received[id, default: []].append("other")
                    }
                    if case .closed = input { break }
                }
            }
            #expect(received == [
                "a1": ["migrate draining", "closed"], "a2": ["migrate draining", "closed"], "b1": ["closed"],
            ])
            for (id, room, _, _, _) in inboxes { rooms.detach(room: room, member: MemberID(id)) }
            rooms.shutdown()
        }
    }
}
