/// Typed helpers for the commands the coordination layer uses.
extension RedisClient {
    /// `PING`: succeeds when the server answers.
    public func ping() async throws(RedisError) {
        let reply = try await command(["PING"])
        guard reply.text == "PONG" else { throw .unexpectedReply(command: "PING", reply: reply.summary) }
    }

    /// `GET key`: the value's bytes, or `nil` when the key does not exist.
    public func get(_ key: String) async throws(RedisError) -> [UInt8]? {
        let reply = try await command(["GET", .string(key)])
        switch reply {
        case .null: return nil
        case .string(let bytes): return bytes
        default: throw .unexpectedReply(command: "GET", reply: reply.summary)
        }
    }

    /// `SET key value [PX ms]`: stores `value`, expiring after `expiry` when given.
    public func set(_ key: String, _ value: RedisArgument, expiry: Duration? = nil) async throws(RedisError) {
        var arguments: [RedisArgument] = ["SET", .string(key), value]
        if let expiry { arguments += ["PX", .int(try Self.milliseconds(expiry))] }
        let reply = try await command(arguments)
        guard case .status = reply else { throw .unexpectedReply(command: "SET", reply: reply.summary) }
    }

    /// `DEL key...`: the number of keys removed.
    @discardableResult
    public func del(_ keys: [String]) async throws(RedisError) -> Int64 {
        guard !keys.isEmpty else { return 0 }
        return try await integer(["DEL"] + keys.map(RedisArgument.string))
    }

    /// `PUBLISH channel message`: the number of subscribers that received it.
    @discardableResult
    public func publish(_ channel: String, _ message: RedisArgument) async throws(RedisError) -> Int64 {
        try await integer(["PUBLISH", .string(channel), message])
    }

    /// `HSET key field value...`: the number of fields that were new.
    @discardableResult
    public func hset(_ key: String, _ fields: [String: RedisArgument]) async throws(RedisError) -> Int64 {
        guard !fields.isEmpty else { return 0 }
        var arguments: [RedisArgument] = ["HSET", .string(key)]
        for (field, value) in fields.sorted(by: { $0.key < $1.key }) {
            arguments += [.string(field), value]
        }
        return try await integer(arguments)
    }

    /// `HDEL key field...`: the number of fields removed.
    @discardableResult
    public func hdel(_ key: String, _ fields: [String]) async throws(RedisError) -> Int64 {
        guard !fields.isEmpty else { return 0 }
        return try await integer(["HDEL", .string(key)] + fields.map(RedisArgument.string))
    }

    /// `HGETALL key`: every field and its bytes (empty when the key does not exist).
    public func hgetall(_ key: String) async throws(RedisError) -> [String: [UInt8]] {
        let reply = try await command(["HGETALL", .string(key)])
        return try Self.hash(from: reply, command: "HGETALL")
    }

    /// `PEXPIRE key ms`: whether the key existed and got the expiry.
    @discardableResult
    public func expire(_ key: String, after expiry: Duration) async throws(RedisError) -> Bool {
        try await integer(["PEXPIRE", .string(key), .int(try Self.milliseconds(expiry))]) == 1
    }

    /// `SADD key member...`: the number of members that were new.
    @discardableResult
    public func sadd(_ key: String, _ members: [RedisArgument]) async throws(RedisError) -> Int64 {
        guard !members.isEmpty else { return 0 }
        return try await integer(["SADD", .string(key)] + members)
    }

    /// `SMEMBERS key`: the members' bytes, in the server's (unspecified) order.
    public func smembers(_ key: String) async throws(RedisError) -> [[UInt8]] {
        let reply = try await command(["SMEMBERS", .string(key)])
        guard case .array(let items) = reply else { throw .unexpectedReply(command: "SMEMBERS", reply: reply.summary) }
        var members: [[UInt8]] = []
        members.reserveCapacity(items.count)
        for item in items {
            guard case .string(let bytes) = item else { throw .unexpectedReply(command: "SMEMBERS", reply: item.summary) }
            members.append(bytes)
        }
        return members
    }

    /// `SREM key member...`: the number of members removed.
    @discardableResult
    public func srem(_ key: String, _ members: [RedisArgument]) async throws(RedisError) -> Int64 {
        guard !members.isEmpty else { return 0 }
        return try await integer(["SREM", .string(key)] + members)
    }

    // MARK: - Helpers

    private func integer(_ arguments: [RedisArgument]) async throws(RedisError) -> Int64 {
        let reply = try await command(arguments)
        guard case .integer(let value) = reply else {
            throw .unexpectedReply(command: arguments.first.map(Self.name) ?? "", reply: reply.summary)
        }
        return value
    }

    private static func name(_ argument: RedisArgument) -> String {
        switch argument {
        case .string(let text): return text
        case .bytes(let bytes): return String(decoding: bytes, as: UTF8.self)
        }
    }

    static func milliseconds(_ duration: Duration) throws(RedisError) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let millis = seconds.multipliedReportingOverflow(by: 1_000)
        let total = millis.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        guard !millis.overflow, !total.overflow, total.partialValue > 0 else {
            throw .invalidArgument(reason: "expiry must be at least 1 ms", size: Int(clamping: seconds))
        }
        return total.partialValue
    }

    /// Decodes a flat `[field, value, field, value, ...]` array reply.
    static func hash(from reply: RedisValue, command: String) throws(RedisError) -> [String: [UInt8]] {
        guard case .array(let items) = reply, items.count % 2 == 0 else {
            throw .unexpectedReply(command: command, reply: reply.summary)
        }
        var result: [String: [UInt8]] = [:]
        result.reserveCapacity(items.count / 2)
        var index = 0
        while index + 1 < items.count {
            guard case .string(let field) = items[index], case .string(let value) = items[index + 1] else {
                throw .unexpectedReply(command: command, reply: items[index].summary)
            }
            result[String(decoding: field, as: UTF8.self)] = value
            index += 2
        }
        return result
    }
}
