import Synchronization

/// Redis pub/sub on a connection and thread of its own.
///
/// Messages arrive on `messages`. The subscriber remembers every channel and
/// pattern; when the connection breaks (server restart, network error, or no
/// answer to the idle-time PING), it reconnects with exponential backoff and
/// subscribes to all of them again. Messages published while it is
/// disconnected are lost (Redis pub/sub does not store them).
public final class RedisSubscriber: Sendable {
    /// Every message for a subscribed channel or pattern, in arrival order.
    /// Finishes when the subscriber is closed. When the consumer falls more than
    /// `bufferLimit` messages behind, the oldest are dropped and counted.
    public let messages: AsyncStream<RedisMessage>
    private let core: RedisSubscriberCore
    private let dropped: Dropped

    private final class Dropped: Sendable {
        let count = Atomic<Int>(0)
    }

    /// Starts the subscriber's thread and connects in the background.
    ///
    /// - Parameters:
    ///   - configuration: server and timeouts; `commandTimeout` also bounds how
    ///     long `subscribe` waits for the server's confirmation.
    ///   - bufferLimit: messages kept for a slow consumer before the oldest are dropped. Default 10,000.
    ///   - healthCheckInterval: idle time after which a PING checks the connection. Default 5 s.
    public init(
        configuration: RedisConfiguration = RedisConfiguration(),
        bufferLimit: Int = 10_000,
        healthCheckInterval: Duration = .seconds(5)
    ) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: RedisMessage.self, bufferingPolicy: .bufferingNewest(max(1, bufferLimit)))
        let dropped = Dropped()
        self.messages = stream
        self.dropped = dropped
        self.core = RedisSubscriberCore(
            configuration: configuration, healthCheckInterval: healthCheckInterval,
            sink: { message in
                if case .dropped = continuation.yield(message) { dropped.count.add(1, ordering: .relaxed) }
            },
            onFinish: { continuation.finish() })
    }

    /// A subscriber that hands each message to `sink` on its own thread instead
    /// of `messages` (which is finished at once). `sink` must not block.
    init(configuration: RedisConfiguration, healthCheckInterval: Duration = .seconds(5),
         sink: @escaping @Sendable (RedisMessage) -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: RedisMessage.self)
        continuation.finish()
        self.messages = stream
        self.dropped = Dropped()
        self.core = RedisSubscriberCore(
            configuration: configuration, healthCheckInterval: healthCheckInterval,
            sink: sink, onFinish: {})
    }

    /// Queues a (un)subscription without waiting; `complete` runs once the
    /// server confirmed it (or it failed). For callers that hold a lock.
    func enqueue(channels: [String], subscribe: Bool,
                 complete: @escaping @Sendable (Result<Void, RedisError>) -> Void) {
        guard !channels.isEmpty else {
            complete(.success(()))
            return
        }
        core.enqueue(.init(kind: .channel, names: channels, isSubscribe: subscribe), complete: complete)
    }

    deinit {
        core.close()
    }

    /// Messages dropped because the consumer of `messages` fell behind.
    public var droppedMessages: Int { dropped.count.load(ordering: .relaxed) }

    /// Subscribes to `channels` and returns once the server confirmed all of them.
    ///
    /// The channels are remembered even when this throws: `.timeout` means no
    /// confirmation came within `commandTimeout` (for example while the server
    /// is down); the subscription is then made as soon as the connection is back.
    public func subscribe(_ channels: [String]) async throws(RedisError) {
        try await request(.init(kind: .channel, names: channels, isSubscribe: true))
    }

    /// Subscribes to glob `patterns` (`PSUBSCRIBE`); see `subscribe` for the waiting rules.
    public func psubscribe(_ patterns: [String]) async throws(RedisError) {
        try await request(.init(kind: .pattern, names: patterns, isSubscribe: true))
    }

    /// Unsubscribes from `channels`; no message of theirs enters `messages` after
    /// this returns (messages already buffered there stay).
    public func unsubscribe(_ channels: [String]) async throws(RedisError) {
        try await request(.init(kind: .channel, names: channels, isSubscribe: false))
    }

    /// Unsubscribes from `patterns`; no message matched by them enters `messages` after this returns.
    public func punsubscribe(_ patterns: [String]) async throws(RedisError) {
        try await request(.init(kind: .pattern, names: patterns, isSubscribe: false))
    }

    /// Closes the connection, fails waiting calls with `.closed`, finishes
    /// `messages`, and returns once the thread has exited.
    public func close() async {
        core.close()
        await core.waitForExit()
    }

    private func request(_ change: RedisSubscriberCore.Change) async throws(RedisError) {
        guard !change.names.isEmpty else { return }
        let result: Result<Void, RedisError> = await withCheckedContinuation { continuation in
            core.enqueue(change) { result in continuation.resume(returning: result) }
        }
        try result.get()
    }
}
