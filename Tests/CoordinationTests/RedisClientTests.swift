import Testing
@testable import Coordination

/// Commands against a real redis-server started per test.
@Suite("RedisClient")
struct RedisClientTests {
    /// Values that break text-based clients: every byte value, NULs, CRLF
    /// (the RESP line terminator), a fake RESP header, empty, and 1 MiB.
    struct BinaryCase: Sendable, CustomTestStringConvertible {
        var name: String
        var value: [UInt8]
        var testDescription: String { "\(name) (\(value.count) bytes)" }
    }

    static let binaryValues: [BinaryCase] = [
        .init(name: "all 256 byte values", value: (0...255).map { UInt8($0) }),
        .init(name: "embedded NULs", value: [0x61, 0x00, 0x00, 0x62, 0x00]),          // "a\0\0b\0"
        .init(name: "CRLF inside", value: [0x0D, 0x0A, 0x2B, 0x4F, 0x4B, 0x0D, 0x0A]), // "\r\n+OK\r\n"
        .init(name: "RESP bulk header", value: Array("$5\r\nhello\r\n".utf8)),
        .init(name: "empty", value: []),
        .init(name: "1 MiB", value: (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }),
    ]

    @Test("SET/GET round-trips binary values", arguments: binaryValues)
    func binaryRoundTrip(_ testCase: BinaryCase) async throws {
        let (name, value) = (testCase.name, testCase.value)
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            // A binary key too: NUL and CRLF in the key.
            let key = "bin:\u{0}\r\n:\(name)"
            try await client.set(key, .bytes(value))
            let read = try await client.get(key)
            #expect(read == value)
            #expect(try await client.command(["STRLEN", .string(key)]) == .integer(Int64(value.count)))
            await client.close()
        }
    }

    @Test("GET of a missing key is nil; SET with expiry sets a TTL")
    func missingKeyAndExpiry() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            #expect(try await client.get("missing") == nil)
            try await client.set("ttl", "v", expiry: .seconds(30))
            let ttl = try await client.command(["PTTL", "ttl"]).integer ?? -1
            #expect((1...30_000).contains(ttl))
            #expect(try await client.expire("ttl", after: .seconds(100)))
            #expect(try await client.expire("missing", after: .seconds(1)) == false)
            #expect(try await client.del(["ttl", "missing"]) == 1)
            await client.close()
        }
    }

    @Test("a pipeline of 1,000 commands returns 1,000 replies in order")
    func pipelineOrder() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            let increments = try await client.pipeline(Array(repeating: ["INCR", "counter"], count: 1_000))
            #expect(increments == (1...1_000).map { RedisValue.integer(Int64($0)) })
            let echoes = try await client.pipeline((0..<1_000).map { ["ECHO", .string("payload-\($0)")] })
            #expect(echoes == (0..<1_000).map { RedisValue.string(Array("payload-\($0)".utf8)) })
            await client.close()
        }
    }

    @Test("concurrent commands from many tasks each get their own reply")
    func concurrentCommands() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let payload: [UInt8] = Array("task-\(index)".utf8) + [0x00, UInt8(index)]
                        return try await client.command(["ECHO", .bytes(payload)]) == .string(payload)
                    }
                }
                for try await matched in group { #expect(matched) }
            }
            await client.close()
        }
    }

    @Test("an error reply is RedisError.server and the connection stays usable")
    func serverError() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            await #expect {
                _ = try await client.command(["NOSUCHCOMMAND", "x"])
            } throws: { error in
                guard case RedisError.server(let message) = error else { return false }
                return message.hasPrefix("ERR unknown command")
            }
            try await client.set("text", "not a number")
            await #expect {
                _ = try await client.command(["INCR", "text"])
            } throws: { error in
                guard case RedisError.server(let message) = error else { return false }
                return message.hasPrefix("ERR value is not an integer")
            }
            // Inside a pipeline the error is a value and its neighbours still run.
            let replies = try await client.pipeline([["PING"], ["INCR", "text"], ["ECHO", "after"]])
            #expect(replies.count == 3)
            #expect(replies[0] == .status("PONG"))
            #expect(replies[1].isError)
            #expect(replies[2] == .string(Array("after".utf8)))
            try await client.ping()
            await client.close()
        }
    }

    @Test("hash and set helpers")
    func hashAndSet() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            #expect(try await client.hset("h", ["a": "1", "b": .bytes([0x00, 0xFF])]) == 2)
            #expect(try await client.hset("h", ["a": "2"]) == 0)
            #expect(try await client.hgetall("h") == ["a": Array("2".utf8), "b": [0x00, 0xFF]])
            #expect(try await client.hgetall("nothing") == [:])
            #expect(try await client.hdel("h", ["a"]) == 1)
            #expect(try await client.sadd("s", ["x", "y", .bytes([0x00])]) == 3)
            #expect(try await client.srem("s", ["y", "absent"]) == 1)
            let members = try await client.smembers("s")
            #expect(Set(members) == [Array("x".utf8), [0x00]])
            await #expect(throws: RedisError.self) { _ = try await client.smembers("h") }  // WRONGTYPE
            await client.close()
        }
    }

    @Test("AUTH and SELECT run on connect; a wrong password is .connectFailed, none is NOAUTH")
    func authAndDatabase() async throws {
        try await withRedisServer(password: "s3cret") { server in
            var settings = server.configuration()
            settings.password = "s3cret"
            settings.database = 2
            let inDatabase2 = RedisClient(configuration: settings)
            try await inDatabase2.set("where", "db2")
            settings.database = 0
            let inDatabase0 = RedisClient(configuration: settings)
            #expect(try await inDatabase0.get("where") == nil)
            #expect(try await inDatabase0.command(["SELECT", "2"]) == .status("OK"))
            #expect(try await inDatabase0.get("where") == Array("db2".utf8))

            settings.password = "hunter2-not-it"
            let wrong = RedisClient(configuration: settings)
            await #expect {
                try await wrong.ping()
            } throws: { error in
                guard case RedisError.connectFailed(_, _, let reason) = error else { return false }
                return reason.contains("AUTH refused") && !reason.contains("hunter2")
            }
            let anonymous = RedisClient(configuration: server.configuration())
            await #expect {
                try await anonymous.ping()
            } throws: { error in
                guard case RedisError.server(let message) = error else { return false }
                return message.hasPrefix("NOAUTH")
            }
            for client in [inDatabase2, inDatabase0, wrong, anonymous] { await client.close() }
        }
    }

    @Test("a closed client fails commands with .closed")
    func closedClient() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            try await client.ping()
            await client.close()
            await #expect(throws: RedisError.closed) { try await client.ping() }
        }
    }

    @Test("invalid requests are rejected before reaching the server")
    func invalidRequests() async throws {
        let client = RedisClient(configuration: RedisConfiguration(port: 1))
        await #expect(throws: RedisError.invalidArgument(reason: "a command needs at least its name", size: 0)) {
            _ = try await client.command([])
        }
        await #expect(throws: RedisError.self) { try await client.set("k", "v", expiry: .zero) }
        #expect(try await client.pipeline([]) == [])
        await client.close()
    }
}

extension RedisValue {
    var isError: Bool {
        if case .error = self { return true }
        return false
    }
}
