import Foundation

/// The worker behind `RedisClient`: one dedicated thread that owns the
/// blocking hiredis connection and runs queued jobs in order.
///
/// Shared state (`pending`, `isClosed`, exit bookkeeping) is guarded by
/// `condition`; the connection and backoff are touched only by the thread.
/// Jobs queued while the thread is busy run as one batch, pipelined on the
/// wire: all commands are written, then all replies are read in order.
final class RedisClientCore: @unchecked Sendable {
    typealias Completion = @Sendable (Result<[RedisValue], RedisError>) -> Void

    struct Job {
        let commands: [EncodedCommand]
        let complete: Completion
    }

    private enum Work {
        case batch([Job])
        case reconnect
    }

    let configuration: RedisConfiguration
    private let clock = ContinuousClock()
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: [Job] = []
    private var isClosed = false
    private var hasExited = false
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []
    // Owned by the thread.
    private var connection: RedisConnection?
    private var backoff: ReconnectBackoff
    private var reconnectInBackground = false
    private var lastConnectError: RedisError?

    init(configuration: RedisConfiguration, threadName: String) {
        self.configuration = configuration
        self.backoff = ReconnectBackoff(
            minimum: configuration.reconnectBackoffMin,
            maximum: configuration.reconnectBackoffMax,
            now: ContinuousClock.now
        )
        let thread = Thread { [self] in self.threadMain() }
        thread.name = threadName
        thread.start()
    }

    /// Queues `commands` as one job; `complete` runs on the worker thread.
    func enqueue(_ commands: [EncodedCommand], complete: @escaping Completion) {
        condition.lock()
        guard !isClosed else {
            condition.unlock()
            complete(.failure(.closed))
            return
        }
        pending.append(Job(commands: commands, complete: complete))
        condition.signal()
        condition.unlock()
    }

    /// Stops accepting jobs, fails the queued ones with `.closed` and lets the
    /// thread free the connection and exit. Idempotent; does not wait.
    func close() {
        condition.lock()
        let dropped = isClosed ? [] : pending
        isClosed = true
        pending = []
        condition.signal()
        condition.unlock()
        for job in dropped { job.complete(.failure(.closed)) }
    }

    /// Returns once the thread has freed the connection and exited.
    func waitForExit() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if hasExited {
                condition.unlock()
                continuation.resume()
            } else {
                exitWaiters.append(continuation)
                condition.unlock()
            }
        }
    }

    // MARK: - Worker thread

    private func threadMain() {
        blockSIGPIPEOnCurrentThread()
        while let work = nextWork() {
            switch work {
            case .batch(let jobs): run(jobs)
            case .reconnect: _ = connectIfNeeded()
            }
        }
        connection = nil
        condition.lock()
        hasExited = true
        let waiters = exitWaiters
        exitWaiters = []
        condition.unlock()
        for waiter in waiters { waiter.resume() }
    }

    /// Blocks until there is a batch to run, a background reconnect is due, or
    /// the client is closed (`nil`).
    private func nextWork() -> Work? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if isClosed { return nil }
            if !pending.isEmpty {
                let jobs = pending
                pending = []
                return .batch(jobs)
            }
            if connection == nil && reconnectInBackground {
                let now = clock.now
                if backoff.mayAttempt(at: now) { return .reconnect }
                _ = condition.wait(until: Date(timeIntervalSinceNow: (backoff.nextAttempt - now).seconds))
            } else {
                condition.wait()
            }
        }
    }

    private func run(_ jobs: [Job]) {
        let connection: RedisConnection
        switch connectIfNeeded() {
        case .success(let open): connection = open
        case .failure(let error):
            for job in jobs { job.complete(.failure(error)) }
            return
        }
        do {
            for job in jobs {
                for command in job.commands { try connection.append(command) }
            }
        } catch {
            connectionBroke()
            for job in jobs { job.complete(.failure(error)) }
            return
        }
        for (index, job) in jobs.enumerated() {
            var replies: [RedisValue] = []
            replies.reserveCapacity(job.commands.count)
            do {
                for _ in job.commands { replies.append(try connection.readReply()) }
            } catch {
                connectionBroke()
                for failed in jobs[index...] { failed.complete(.failure(error)) }
                return
            }
            job.complete(.success(replies))
        }
    }

    /// The open connection, or a new one if the backoff allows an attempt now.
    private func connectIfNeeded() -> Result<RedisConnection, RedisError> {
        if let connection { return .success(connection) }
        let now = clock.now
        guard backoff.mayAttempt(at: now) else {
            let wait = backoff.nextAttempt - now
            let last = lastConnectError.map { " (last attempt: \($0))" } ?? ""
            return .failure(.connectFailed(
                host: configuration.host, port: configuration.port,
                reason: "waiting \(wait) before reconnecting\(last)"))
        }
        let result = RedisConnection.connect(configuration)
        switch result {
        case .success(let open):
            connection = open
            backoff.succeeded(at: clock.now)
            reconnectInBackground = false
            lastConnectError = nil
        case .failure(let error):
            backoff.failed(at: clock.now)
            reconnectInBackground = true
            lastConnectError = error
        }
        return result
    }

    /// Drops a connection that failed mid-command; the thread reconnects in
    /// the background right away, then with backoff while that fails.
    private func connectionBroke() {
        connection = nil
        reconnectInBackground = true
        backoff.attemptNow(at: clock.now)
    }
}
