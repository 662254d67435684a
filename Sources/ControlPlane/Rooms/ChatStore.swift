import Coordination
import Foundation

/// The last messages of each room's chat, for late joiners.
public protocol ChatStore: Sendable {
    /// Appends a message, keeping the newest `ChatHistory.limit`.
    func append(_ record: ChatRecord, room: RoomID) async throws(RedisError)
    /// The kept messages, oldest first.
    func recent(room: RoomID) async throws(RedisError) -> [ChatRecord]
    /// Forgets the room's history (its last member left).
    func clear(room: RoomID) async throws(RedisError)
}

/// Limits of the chat history.
public enum ChatHistory {
    /// Messages sent to late joiners (PROTOCOL.md: the last 100).
    public static let limit = 100
}

/// Chat history in this process (with `InProcessCoordinator`).
public actor InMemoryChatStore: ChatStore {
    private var rooms: [RoomID: [ChatRecord]] = [:]

    public init() {}

    public func append(_ record: ChatRecord, room: RoomID) {
        var history = rooms[room, default: []]
        history.append(record)
        if history.count > ChatHistory.limit { history.removeFirst(history.count - ChatHistory.limit) }
        rooms[room] = history
    }

    public func recent(room: RoomID) -> [ChatRecord] { rooms[room] ?? [] }

    public func clear(room: RoomID) { rooms[room] = nil }
}

/// Chat history in Redis, shared by every backend instance: a list
/// `<prefix>:room:<room>:chat` of JSON records, trimmed to the newest 100 and
/// expiring a day after the last message.
public final class RedisChatStore: ChatStore {
    private let client: RedisClient
    private let prefix: String

    public init(redis: RedisConfiguration, keyPrefix: String = "edgemesh") {
        self.client = RedisClient(configuration: redis)
        self.prefix = keyPrefix
    }

    private func key(_ room: RoomID) -> String { "\(prefix):room:\(room.rawValue):chat" }

    public func append(_ record: ChatRecord, room: RoomID) async throws(RedisError) {
        let json: Data
        do {
            json = try JSONEncoder().encode(record)
        } catch {
            throw .invalidArgument(reason: "chat record does not encode", size: record.text.utf8.count)
        }
        let replies = try await client.pipeline([
            ["RPUSH", .string(key(room)), .bytes(Array(json))],
            ["LTRIM", .string(key(room)), .int(-ChatHistory.limit), "-1"],
            ["EXPIRE", .string(key(room)), "86400"],
        ])
        for reply in replies {
            if case .error(let message) = reply { throw .server(message: message) }
        }
    }

    public func recent(room: RoomID) async throws(RedisError) -> [ChatRecord] {
        let reply = try await client.command(["LRANGE", .string(key(room)), "0", "-1"])
        guard let items = reply.array else { throw .unexpectedReply(command: "LRANGE", reply: "\(reply)".prefix(64).description) }
        return items.compactMap { item in
            item.bytes.flatMap { try? JSONDecoder().decode(ChatRecord.self, from: Data($0)) }
        }
    }

    public func clear(room: RoomID) async throws(RedisError) {
        _ = try await client.command(["DEL", .string(key(room))])
    }

    public func close() async { await client.close() }
}
