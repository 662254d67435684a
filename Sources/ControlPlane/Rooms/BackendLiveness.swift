import Coordination

/// Which backend instances are alive, so that members left behind by a
/// backend that died without cleaning up (SIGKILL, crash) can be removed.
///
/// Each instance writes `<prefix>:backend:<instance>` with a short expiry and
/// renews it; a member whose backend key is gone is a ghost.
public protocol BackendLiveness: Sendable {
    /// Announces this instance as alive for `ttl`.
    func heartbeat(instance: String, ttl: Duration) async throws(RedisError)
    /// The instances among `instances` that are alive.
    func alive(_ instances: [String]) async throws(RedisError) -> Set<String>
}

/// One process: every instance it knows of is itself, alive.
public struct InProcessLiveness: BackendLiveness {
    public init() {}
    public func heartbeat(instance: String, ttl: Duration) {}
    public func alive(_ instances: [String]) -> Set<String> { Set(instances) }
}

/// Liveness keys in Redis.
public final class RedisLiveness: BackendLiveness {
    private let client: RedisClient
    private let prefix: String

    public init(redis: RedisConfiguration, keyPrefix: String = "edgemesh") {
        self.client = RedisClient(configuration: redis)
        self.prefix = keyPrefix
    }

    private func key(_ instance: String) -> String { "\(prefix):backend:\(instance)" }

    public func heartbeat(instance: String, ttl: Duration) async throws(RedisError) {
        let milliseconds = ttl.components.seconds * 1000 + ttl.components.attoseconds / 1_000_000_000_000_000
        let reply = try await client.command(["SET", .string(key(instance)), "1", "PX", .int(max(1, milliseconds))])
        if case .error(let message) = reply { throw .server(message: message) }
    }

    public func alive(_ instances: [String]) async throws(RedisError) -> Set<String> {
        guard !instances.isEmpty else { return [] }
        let reply = try await client.command(["MGET"] + instances.map { .string(key($0)) })
        guard let values = reply.array, values.count == instances.count else {
            throw .unexpectedReply(command: "MGET", reply: "\(instances.count) keys")
        }
        return Set(zip(instances, values).compactMap { $1.isNull ? nil : $0 })
    }
}
