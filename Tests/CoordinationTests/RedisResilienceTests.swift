import Testing
@testable import Coordination

/// Failure handling: refused connects, timeouts against a stopped server, restarts.
@Suite("Redis failures and recovery")
struct RedisResilienceTests {
    @Test("connection refused fails quickly with .connectFailed, then backs off")
    func connectionRefused() async throws {
        let port = try RedisServerProcess.freeLoopbackPort()
        let client = RedisClient(configuration: RedisConfiguration(
            port: port, reconnectBackoffMin: .seconds(10), reconnectBackoffMax: .seconds(20)))
        let started = ContinuousClock.now
        for _ in 0..<2 {  // the second call fails fast inside the backoff window
            await #expect {
                try await client.ping()
            } throws: { error in
                guard case RedisError.connectFailed(let host, let failedPort, _) = error else { return false }
                return host == "127.0.0.1" && failedPort == port
            }
        }
        // Neither call waits out a connect timeout or the backoff (hang guard,
        // generous for a loaded machine; the backoff alone would be 10-20 s per call).
        #expect(ContinuousClock.now - started < .seconds(8))
        await client.close()
    }

    @Test("a stopped server (SIGSTOP) makes a command time out; it works again after SIGCONT")
    func commandTimeout() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration(commandTimeout: .milliseconds(300)))
            try await client.ping()
            server.suspend()
            let started = ContinuousClock.now
            await #expect(throws: RedisError.timeout(after: .milliseconds(300))) {
                try await client.set("k", "v")
            }
            let elapsed = ContinuousClock.now - started
            #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(3))
            server.resume()
            try await client.set("k", "after")
            #expect(try await client.get("k") == Array("after".utf8))
            await client.close()
        }
    }

    @Test("a server restart on the same port: the client reconnects and the subscriber re-subscribes")
    func serverRestart() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            let subscriber = RedisSubscriber(configuration: server.configuration())
            try await subscriber.subscribe(["events"])
            try await subscriber.psubscribe(["room:*"])
            #expect(try await client.publish("events", "before") == 1)
            #expect(try await nextMessage(on: subscriber.messages).payload == Array("before".utf8))

            server.kill()
            await #expect {
                try await client.set("k", "v")
            } throws: { error in
                if case RedisError.connectionLost = error { return true }
                return false
            }
            try await server.launch()

            // The client comes back on its own (background reconnect with backoff).
            try await eventually(within: .seconds(10), "the client to reconnect") {
                (try? await client.ping()).map { true }
            }
            try await client.set("k", "after restart")
            #expect(try await client.get("k") == Array("after restart".utf8))

            // The subscriber re-subscribed both the channel and the pattern.
            try await eventually(within: .seconds(10), "the subscriber to re-subscribe") {
                (try? await client.publish("events", "after")) == 1 ? true : nil
            }
            let message = try await nextMessage(on: subscriber.messages) { $0.payload == Array("after".utf8) }
            #expect(message.channel == "events")
            try await eventually(within: .seconds(10), "the pattern to be re-subscribed") {
                (try? await client.publish("room:9", "joined")) == 1 ? true : nil
            }
            let patterned = try await nextMessage(on: subscriber.messages) { $0.channel == "room:9" }
            #expect(patterned.pattern == "room:*")
            await subscriber.close()
            await client.close()
        }
    }

    @Test("commands stuck on a stopped server do not occupy the cooperative thread pool")
    func cooperativePoolStaysFree() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration(commandTimeout: .seconds(2)))
            try await client.ping()
            server.suspend()
            defer { server.resume() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<16 { group.addTask { _ = try? await client.ping() } }  // each waits up to 2 s
                // If the client blocked pool threads (2 here), this would wait for the timeouts.
                let started = ContinuousClock.now
                let sum = await withTaskGroup(of: Int.self) { work in
                    for index in 0..<16 { work.addTask { (0..<1_000).reduce(index, &+) } }
                    return await work.reduce(0, +)
                }
                #expect(sum == 16 * 499_500 + 120)
                #expect(ContinuousClock.now - started < .milliseconds(1_000))
                server.resume()
                try await group.waitForAll()
            }
            await client.close()
        }
    }
}
