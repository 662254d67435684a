import Foundation
import Synchronization

/// Coordination through one Redis server shared by every backend and node.
///
/// Layout (prefix `p` = `keyPrefix`), values are JSON records:
/// - `p:node:<id>` string, expiring after `leaseDuration` (the lease); `p:nodes` set of ids
/// - `p:room:<room>:members` hash member id → record; `p:room:<room>:tracks` hash track id → record
/// - `p:rooms` set of rooms with members
/// - channel `p:room:<room>:events` carries `RoomEvent` JSON
///
/// Commands run on a `RedisClient`; events arrive on a `RedisSubscriber`
/// that re-subscribes after reconnects (events published meanwhile are lost).
public final class RedisCoordinator: Coordinator {
    public let configuration: CoordinatorConfiguration
    let client: RedisClient
    private let subscriber: RedisSubscriber
    private let hub: RoomEventHub

    /// Connects lazily to the server in `redis`.
    public init(configuration: CoordinatorConfiguration = CoordinatorConfiguration(), redis: RedisConfiguration) {
        let hub = RoomEventHub()
        let prefix = configuration.keyPrefix
        self.configuration = configuration
        self.hub = hub
        self.client = RedisClient(configuration: redis)
        self.subscriber = RedisSubscriber(configuration: redis) { message in
            guard let event = try? RecordCoding.decode(RoomEvent.self, from: message.payload, key: message.channel),
                  message.channel == Self.eventChannel(prefix: prefix, room: event.room) else { return }
            hub.dispatch(event)
        }
    }

    // MARK: Keys

    func nodeKey(_ id: NodeID) -> String { "\(configuration.keyPrefix):node:\(id.rawValue)" }
    var nodesKey: String { "\(configuration.keyPrefix):nodes" }
    var roomsKey: String { "\(configuration.keyPrefix):rooms" }
    func membersKey(_ room: RoomID) -> String { "\(configuration.keyPrefix):room:\(room.rawValue):members" }
    func tracksKey(_ room: RoomID) -> String { "\(configuration.keyPrefix):room:\(room.rawValue):tracks" }
    static func eventChannel(prefix: String, room: RoomID) -> String { "\(prefix):room:\(room.rawValue):events" }

    // MARK: Node registry

    public func register(_ node: NodeRecord) async throws(RedisError) {
        var record = node
        record.updatedAt = Date()
        let key = nodeKey(node.id)
        let json = try RecordCoding.encode(record, key: key)
        let lease = try RedisClient.milliseconds(configuration.leaseDuration)
        let replies = try await client.pipeline([
            ["SET", .string(key), .bytes(json), "PX", .int(lease)],
            ["SADD", .string(nodesKey), .string(node.id.rawValue)],
        ])
        try Self.checkNoErrors(replies)
    }

    public func renew(_ node: NodeID, load: NodeLoad) async throws(RedisError) -> Bool {
        let key = nodeKey(node)
        guard let stored = try await client.get(key) else { return false }
        var record = try RecordCoding.decode(NodeRecord.self, from: stored, key: key)
        record.load = load
        record.updatedAt = Date()
        let json = try RecordCoding.encode(record, key: key)
        let lease = try RedisClient.milliseconds(configuration.leaseDuration)
        // XX: only while the lease still exists; a lapsed node must register again.
        let reply = try await client.command(["SET", .string(key), .bytes(json), "PX", .int(lease), "XX"])
        return !reply.isNull
    }

    public func deregister(_ node: NodeID) async throws(RedisError) {
        let replies = try await client.pipeline([
            ["DEL", .string(nodeKey(node))],
            ["SREM", .string(nodesKey), .string(node.rawValue)],
        ])
        try Self.checkNoErrors(replies)
    }

    public func healthyNodes() async throws(RedisError) -> [NodeRecord] {
        let ids = try await client.smembers(nodesKey).map { NodeID(String(decoding: $0, as: UTF8.self)) }
        guard !ids.isEmpty else { return [] }
        let reply = try await client.command(["MGET"] + ids.map { .string(nodeKey($0)) })
        guard case .array(let values) = reply, values.count == ids.count else {
            throw .unexpectedReply(command: "MGET", reply: reply.summary)
        }
        var healthy: [NodeRecord] = []
        var lapsed: [RedisArgument] = []
        for (id, value) in zip(ids, values) {
            switch value {
            case .string(let json): healthy.append(try RecordCoding.decode(NodeRecord.self, from: json, key: nodeKey(id)))
            case .null: lapsed.append(.string(id.rawValue))
            default: throw .unexpectedReply(command: "MGET", reply: value.summary)
            }
        }
        if !lapsed.isEmpty { try await client.srem(nodesKey, lapsed) }
        return healthy.sorted { $0.id < $1.id }
    }

    // MARK: Events

    public func publish(_ event: RoomEvent) async throws(RedisError) {
        let channel = Self.eventChannel(prefix: configuration.keyPrefix, room: event.room)
        try await client.publish(channel, .bytes(try RecordCoding.encode(event, key: channel)))
    }

    public func events(for room: RoomID) async throws(RedisError) -> AsyncStream<RoomEvent> {
        let channel = Self.eventChannel(prefix: configuration.keyPrefix, room: room)
        let subscriber = self.subscriber
        let subscription = Mutex<(AsyncStream<RoomEvent>, AsyncStream<RoomEvent>.Continuation)?>(nil)
        // SUBSCRIBE is queued under the hub's lock, so it is ordered after the
        // UNSUBSCRIBE of a previous last stream of this room.
        let confirmed: Result<Void, RedisError> = await withCheckedContinuation { waiter in
            let made = hub.subscribe(
                room,
                added: {
                    subscriber.enqueue(channels: [channel], subscribe: true) { waiter.resume(returning: $0) }
                },
                emptied: {
                    subscriber.enqueue(channels: [channel], subscribe: false) { _ in }
                })
            guard let made else {
                waiter.resume(returning: .failure(.closed))
                return
            }
            subscription.withLock { $0 = made }
        }
        guard let (stream, continuation) = subscription.withLock({ $0 }) else { throw .closed }
        if case .failure(let error) = confirmed {
            continuation.finish()
            throw error
        }
        return stream
    }

    /// Local event streams of `room` (for tests).
    func eventStreamCount(_ room: RoomID) -> Int { hub.streamCount(room) }

    public func close() async {
        hub.close()
        await subscriber.close()
        await client.close()
    }

    static func checkNoErrors(_ replies: [RedisValue]) throws(RedisError) {
        for reply in replies {
            if case .error(let message) = reply { throw .server(message: message) }
        }
    }
}
