/// A Redis client for async Swift that never blocks the caller's thread.
///
/// The blocking hiredis connection lives on a thread owned by the client; each
/// call is queued to it and awaited through a checked continuation, so neither
/// NIO event loops nor the cooperative pool ever wait on a socket. Commands
/// queued concurrently are pipelined on the wire and answered in order.
///
/// Connection handling: the client connects on the first command. When a
/// command hits an I/O error or EOF, that command (and any pipelined with it)
/// fails with `.connectionLost`, the connection is dropped and the thread
/// reconnects in the background; failed connects back off exponentially from
/// `reconnectBackoffMin` to `reconnectBackoffMax`, and commands issued during
/// a backoff wait fail fast with `.connectFailed`. A reply slower than
/// `commandTimeout` fails with `.timeout` and also drops the connection.
public final class RedisClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: RedisConfiguration
    private let core: RedisClientCore

    /// Starts the client's thread; nothing is sent until the first command.
    public init(configuration: RedisConfiguration = RedisConfiguration()) {
        self.configuration = configuration
        self.core = RedisClientCore(configuration: configuration, threadName: "redis-client")
    }

    deinit {
        core.close()
    }

    /// Sends one command (name first) and returns its reply.
    ///
    /// An error reply throws `.server(message:)`; use `pipeline` to receive
    /// error replies as `RedisValue.error` values instead.
    public func command(_ arguments: [RedisArgument]) async throws(RedisError) -> RedisValue {
        let encoded = try EncodedCommand(arguments)
        let replies = try await submit([encoded]).get()
        guard let reply = replies.first else {
            throw .protocolError(reason: "no reply to \(encoded.name)")
        }
        if case .error(let message) = reply { throw .server(message: message) }
        return reply
    }

    /// Sends `commands` back to back and returns their replies in the same order.
    ///
    /// Error replies of single commands are returned as `.error` values; a
    /// connection failure or timeout fails the whole pipeline.
    public func pipeline(_ commands: [[RedisArgument]]) async throws(RedisError) -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        var encoded: [EncodedCommand] = []
        encoded.reserveCapacity(commands.count)
        for arguments in commands { encoded.append(try EncodedCommand(arguments)) }
        let replies = try await submit(encoded).get()
        guard replies.count == commands.count else {
            throw .protocolError(reason: "pipeline of \(commands.count) commands got \(replies.count) replies")
        }
        return replies
    }

    /// Fails queued commands with `.closed`, then waits until the thread has
    /// freed the connection and exited. Later calls fail with `.closed`.
    public func close() async {
        core.close()
        await core.waitForExit()
    }

    private func submit(_ commands: [EncodedCommand]) async -> Result<[RedisValue], RedisError> {
        await withCheckedContinuation { continuation in
            core.enqueue(commands) { result in continuation.resume(returning: result) }
        }
    }
}
