import Testing
@testable import Coordination

@Suite("RedisSubscriber")
struct RedisSubscriberTests {
    @Test("a message crosses from a publishing connection to a subscribing one")
    func publishSubscribe() async throws {
        try await withRedisServer { server in
            let subscriber = RedisSubscriber(configuration: server.configuration())
            let publisher = RedisClient(configuration: server.configuration())
            try await subscriber.subscribe(["room:1", "room:2"])
            let payload: [UInt8] = [0x00, 0x0D, 0x0A, 0xFF, 0x7B]  // NUL, CRLF, 0xFF, "{"
            #expect(try await publisher.publish("room:2", .bytes(payload)) == 1)
            let message = try await nextMessage(on: subscriber.messages)
            #expect(message == RedisMessage(channel: "room:2", payload: payload, pattern: nil))
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test("psubscribe delivers matching messages with their pattern")
    func patternSubscribe() async throws {
        try await withRedisServer { server in
            let subscriber = RedisSubscriber(configuration: server.configuration())
            let publisher = RedisClient(configuration: server.configuration())
            try await subscriber.psubscribe(["node:*"])
            #expect(try await publisher.publish("room:x", "ignored") == 0)
            #expect(try await publisher.publish("node:eu-1", "load") == 1)
            let message = try await nextMessage(on: subscriber.messages)
            #expect(message == RedisMessage(channel: "node:eu-1", payload: Array("load".utf8), pattern: "node:*"))
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test("unsubscribe stops delivery of that channel only")
    func unsubscribe() async throws {
        try await withRedisServer { server in
            let subscriber = RedisSubscriber(configuration: server.configuration())
            let publisher = RedisClient(configuration: server.configuration())
            try await subscriber.subscribe(["a", "b"])
            try await subscriber.unsubscribe(["a"])
            // The server has processed UNSUBSCRIBE once PUBLISH reports no receiver.
            _ = try await eventually(within: .seconds(5), "UNSUBSCRIBE to take effect") {
                (try? await publisher.publish("a", "late")) == 0 ? true : nil
            }
            #expect(try await publisher.publish("b", "kept") == 1)
            let message = try await nextMessage(on: subscriber.messages)
            #expect(message.channel == "b")
            #expect(message.payload == Array("kept".utf8))
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test("close finishes the message stream and fails later calls")
    func closeFinishesStream() async throws {
        try await withRedisServer { server in
            let subscriber = RedisSubscriber(configuration: server.configuration())
            try await subscriber.subscribe(["x"])
            await subscriber.close()
            let leftover = try await withDeadline(.seconds(5), "the stream to finish") {
                var count = 0
                for await _ in subscriber.messages { count += 1 }
                return count
            }
            #expect(leftover == 0)
            await #expect(throws: RedisError.closed) { try await subscriber.subscribe(["y"]) }
        }
    }

    @Test("subscribe times out while the server is unreachable")
    func subscribeWithoutServer() async throws {
        let port = try RedisServerProcess.freeLoopbackPort()
        let subscriber = RedisSubscriber(configuration: RedisConfiguration(
            port: port, commandTimeout: .milliseconds(200),
            reconnectBackoffMin: .milliseconds(20), reconnectBackoffMax: .milliseconds(100)))
        await #expect(throws: RedisError.timeout(after: .milliseconds(200))) {
            try await subscriber.subscribe(["never"])
        }
        await subscriber.close()
    }
}
