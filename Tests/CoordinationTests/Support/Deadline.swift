import Coordination

/// Thrown when something a test awaits does not happen in time.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var what: String
    var limit: Duration
    var description: String { "\(what) did not happen within \(limit)" }
}

/// Runs `operation`, failing with `DeadlineExceeded` if it takes longer than `limit`.
func withDeadline<T: Sendable>(
    _ limit: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded(what: what, limit: limit)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw DeadlineExceeded(what: what, limit: limit) }
        return first
    }
}

/// Retries `attempt` every `interval` until it returns a value, failing after `limit`.
/// For conditions that only become true after a reconnect (polling with a deadline).
@discardableResult
func eventually<T: Sendable>(
    within limit: Duration, every interval: Duration = .milliseconds(20), _ what: String,
    _ attempt: @escaping @Sendable () async -> T?
) async throws -> T {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if let value = await attempt() { return value }
        try await Task.sleep(for: interval)
    }
    throw DeadlineExceeded(what: what, limit: limit)
}

/// The first message on `stream` that matches `predicate`, within `limit`.
func nextMessage(
    on stream: AsyncStream<RedisMessage>, within limit: Duration = .seconds(5),
    where predicate: @escaping @Sendable (RedisMessage) -> Bool = { _ in true }
) async throws -> RedisMessage {
    try await withDeadline(limit, "a pub/sub message") {
        for await message in stream where predicate(message) { return message }
        throw DeadlineExceeded(what: "a message before the stream finished", limit: limit)
    }
}
