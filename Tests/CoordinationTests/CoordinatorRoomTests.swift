import Foundation
import Testing
@testable import Coordination

/// Room membership, tracks and events, run against both implementations.
@Suite("Coordinator rooms and events")
struct CoordinatorRoomTests {
    let room = RoomID("standup")

    @Test("members and tracks are shared; removing a member returns its tracks; an empty room disappears",
          arguments: CoordinatorKind.allCases)
    func membershipAndTracks(kind: CoordinatorKind) async throws {
        try await withCoordinators(kind) { backend1, backend2 in
            try await backend1.addMember(Sample.member("A", backend: "b1"), to: room)
            try await backend2.addMember(Sample.member("B", backend: "b2"), to: room)
            #expect(try await backend2.members(of: room) == [Sample.member("A", backend: "b1"), Sample.member("B", backend: "b2")])
            #expect(try await backend1.rooms() == [room])

            try await backend1.publishTrack(Sample.track("TR_a1", member: "A"), in: room)
            try await backend1.publishTrack(Sample.track("TR_a2", member: "A"), in: room)
            try await backend2.publishTrack(Sample.track("TR_b1", member: "B"), in: room)
            try await backend1.publishTrack(Sample.track("TR_a1", member: "A", muted: true), in: room)  // mute
            #expect(try await backend2.tracks(in: room) == [
                Sample.track("TR_a1", member: "A", muted: true), Sample.track("TR_a2", member: "A"),
                Sample.track("TR_b1", member: "B"),
            ])

            #expect(try await backend2.unpublishTrack(MediaTrackID("TR_a2"), in: room) == Sample.track("TR_a2", member: "A"))
            #expect(try await backend1.unpublishTrack(MediaTrackID("TR_a2"), in: room) == nil)

            #expect(try await backend1.removeMember(MemberID("A"), from: room) == [Sample.track("TR_a1", member: "A", muted: true)])
            #expect(try await backend2.tracks(in: room) == [Sample.track("TR_b1", member: "B")])
            #expect(try await backend2.members(of: room).map(\.id) == [MemberID("B")])
            #expect(try await backend1.rooms() == [room])

            #expect(try await backend2.removeMember(MemberID("B"), from: room) == [Sample.track("TR_b1", member: "B")])
            #expect(try await backend1.rooms().isEmpty)
            #expect(try await backend1.members(of: room).isEmpty)
            #expect(try await backend1.tracks(in: room).isEmpty)
        }
    }

    @Test("room events reach every subscriber of that room, on every instance, and no other room",
          arguments: CoordinatorKind.allCases)
    func events(kind: CoordinatorKind) async throws {
        try await withCoordinators(kind) { backend1, backend2 in
            let other = RoomID("other")
            let local = try await backend1.events(for: room)
            let remote = try await backend2.events(for: room)
            let elsewhere = try await backend2.events(for: other)

            let payload: [UInt8] = Array(#"{"type":"chat","text":"hi"}"#.utf8) + [0x00, 0xFF]
            let first = RoomEvent(room: room, origin: "b1", type: "chat", payload: payload)
            let unrelated = RoomEvent(room: other, origin: "b1", type: "participant_joined")
            let second = RoomEvent(room: room, origin: "b2", type: "track_published")
            try await backend1.publish(first)
            try await backend1.publish(unrelated)
            try await backend2.publish(second)

            for stream in [local, remote] {
                #expect(try await nextEvents(2, on: stream) == [first, second])
            }
            #expect(try await nextEvents(1, on: elsewhere) == [unrelated])
        }
    }

    @Test("an ended event stream releases the room's subscription", arguments: CoordinatorKind.allCases)
    func streamRelease(kind: CoordinatorKind) async throws {
        try await withCoordinators(kind) { backend, _ in
            let stream = try await backend.events(for: room)
            #expect(streamCount(backend, room) == 1)
            let consumer = Task { for await _ in stream {} }
            consumer.cancel()
            await consumer.value
            try await eventually(within: .seconds(5), "the stream to be released") {
                streamCount(backend, room) == 0 ? true : nil
            }
            if let redis = backend as? RedisCoordinator {
                let channel = RedisCoordinator.eventChannel(prefix: "test", room: room)
                try await eventually(within: .seconds(5), "the channel to be unsubscribed") {
                    let reply = try? await redis.client.command(["PUBSUB", "NUMSUB", .string(channel)])
                    return reply?.array?.last == .integer(0) ? true : nil
                }
            }
            // A new stream for the same room works after the release.
            let again = try await backend.events(for: room)
            let event = RoomEvent(room: room, origin: "x", type: "again")
            try await backend.publish(event)
            #expect(try await nextEvents(1, on: again) == [event])
        }
    }

    @Test("a closed coordinator refuses calls and finishes its event streams", arguments: CoordinatorKind.allCases)
    func closed(kind: CoordinatorKind) async throws {
        try await withCoordinators(kind) { backend, _ in
            let stream = try await backend.events(for: room)
            await backend.close()
            let leftover = try await withDeadline(.seconds(5), "the stream to finish") {
                var count = 0
                for await _ in stream { count += 1 }
                return count
            }
            #expect(leftover == 0)
            await #expect(throws: RedisError.closed) { _ = try await backend.rooms() }
            await #expect(throws: RedisError.closed) { _ = try await backend.events(for: room) }
        }
    }
}

private func nextEvents(_ count: Int, on stream: AsyncStream<RoomEvent>) async throws -> [RoomEvent] {
    try await withDeadline(.seconds(5), "\(count) room events") {
        var events: [RoomEvent] = []
        for await event in stream {
            events.append(event)
            if events.count == count { break }
        }
        return events
    }
}

private func streamCount(_ coordinator: any Coordinator, _ room: RoomID) -> Int {
    if let redis = coordinator as? RedisCoordinator { return redis.eventStreamCount(room) }
    if let local = coordinator as? InProcessCoordinator { return local.eventStreamCount(room) }
    return -1
}
