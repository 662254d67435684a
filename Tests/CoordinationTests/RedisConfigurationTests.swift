import Glibc
import Testing
@testable import Coordination

@Suite("RedisConfiguration")
struct RedisConfigurationTests {
    @Test("REDIS_ADDR values that parse", arguments: [
        ("127.0.0.1:6379", "127.0.0.1", 6379),
        ("redis.internal:7000", "redis.internal", 7000),
        ("[::1]:6380", "::1", 6380),
    ])
    func parses(address: String, host: String, port: Int) throws {
        let configuration = try RedisConfiguration(address: address)
        #expect(configuration.host == host)
        #expect(configuration.port == port)
    }

    @Test("REDIS_ADDR values that are rejected", arguments: [
        "localhost", ":6379", "host:", "host:0", "host:65536", "host:-1", "[::1]6379", "[::1:6379",
    ])
    func rejects(address: String) {
        #expect(throws: RedisError.self) { try RedisConfiguration(address: address) }
    }

    @Test("backoff doubles from the minimum up to the maximum and resets on success")
    func backoff() {
        let start = ContinuousClock.now
        var backoff = ReconnectBackoff(minimum: .milliseconds(100), maximum: .milliseconds(350), now: start)
        #expect(backoff.mayAttempt(at: start))
        var delays: [Duration] = []
        for _ in 0..<4 {
            backoff.failed(at: start)
            delays.append(backoff.nextAttempt - start)
        }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(350), .milliseconds(350)])
        #expect(!backoff.mayAttempt(at: start + .milliseconds(349)))
        backoff.succeeded(at: start)
        backoff.failed(at: start)
        #expect(backoff.nextAttempt - start == .milliseconds(100))
    }

    @Test("socket timeouts never become zero (which would mean no timeout)", arguments: [
        (Duration.zero, 0, 1_000),
        (.microseconds(10), 0, 1_000),
        (.milliseconds(1_500), 1, 500_000),
        (.seconds(-1), 0, 1_000),
    ])
    func timevalConversion(duration: Duration, seconds: Int, micros: Int) {
        let value = socketTimeout(duration)
        #expect(value.tv_sec == seconds)
        #expect(value.tv_usec == micros)
    }
}
