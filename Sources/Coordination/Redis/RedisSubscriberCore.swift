import Foundation
import CHiredis
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The thread behind `RedisSubscriber`.
///
/// The thread polls the connection's socket and a wake-up pipe; requests from
/// callers are queued under `lock` and the pipe is written to wake the thread.
/// The subscription sets, the connection and the waiters are touched only by
/// the thread.
final class RedisSubscriberCore: @unchecked Sendable {
    enum Kind: Sendable { case channel, pattern }

    /// A subscribe or unsubscribe request from a caller.
    struct Change: Sendable {
        var kind: Kind
        var names: [String]
        var isSubscribe: Bool
    }

    typealias Completion = @Sendable (Result<Void, RedisError>) -> Void

    /// A caller of `subscribe`/`psubscribe` waiting for confirmations.
    private struct Waiter {
        var channels: Set<String>
        var patterns: Set<String>
        let deadline: ContinuousClock.Instant
        let complete: Completion
    }

    /// Receives every message for a subscribed channel or pattern, on the subscriber's thread.
    typealias Sink = @Sendable (RedisMessage) -> Void

    private let configuration: RedisConfiguration
    private let healthCheckInterval: Duration
    private let sink: Sink
    private let onFinish: @Sendable () -> Void
    private let clock = ContinuousClock()
    /// Read and write ends of the wake-up pipe, `nil` if pipe(2) failed (then the thread polls every 20 ms).
    private let wakePipe: (read: Int32, write: Int32)?
    private let lock = NSLock()
    // Guarded by `lock`.
    private var requests: [(Change, Completion)] = []
    private var isClosed = false
    private var hasExited = false
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []
    // Owned by the thread.
    private var connection: RedisConnection?
    private var backoff: ReconnectBackoff
    private var channels: Set<String> = []
    private var patterns: Set<String> = []
    private var waiters: [Waiter] = []
    private var lastRead: ContinuousClock.Instant
    private var pingSent: ContinuousClock.Instant?

    /// Starts the thread. `sink` runs on it for every message (keep it short and
    /// non-blocking); `onFinish` runs once when the thread stops.
    init(configuration: RedisConfiguration, healthCheckInterval: Duration,
         sink: @escaping Sink, onFinish: @escaping @Sendable () -> Void) {
        self.configuration = configuration
        self.healthCheckInterval = max(healthCheckInterval, .milliseconds(10))
        self.sink = sink
        self.onFinish = onFinish
        let now = ContinuousClock.now
        self.backoff = ReconnectBackoff(
            minimum: configuration.reconnectBackoffMin, maximum: configuration.reconnectBackoffMax, now: now)
        self.lastRead = now
        var fds: [Int32] = [-1, -1]
        if edgemesh_wake_pipe(&fds) == 0 {
            wakePipe = (fds[0], fds[1])
        } else {
            wakePipe = nil
        }
        let thread = Thread { [self] in self.threadMain() }
        thread.name = "redis-subscriber"
        thread.start()
    }

    deinit {
        if let wakePipe {
            Glibc.close(wakePipe.read)
            Glibc.close(wakePipe.write)
        }
    }

    func enqueue(_ change: Change, complete: @escaping Completion) {
        lock.lock()
        guard !isClosed else {
            lock.unlock()
            complete(.failure(.closed))
            return
        }
        requests.append((change, complete))
        lock.unlock()
        wake()
    }

    /// Stops the thread (it fails the waiters and finishes the stream). Idempotent.
    func close() {
        lock.lock()
        let dropped = isClosed ? [] : requests
        isClosed = true
        requests = []
        lock.unlock()
        for (_, complete) in dropped { complete(.failure(.closed)) }
        wake()
    }

    func waitForExit() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if hasExited {
                lock.unlock()
                continuation.resume()
            } else {
                exitWaiters.append(continuation)
                lock.unlock()
            }
        }
    }

    private func wake() {
        guard let wakePipe else { return }
        var byte: UInt8 = 1
        _ = write(wakePipe.write, &byte, 1)  // EAGAIN: the pipe is full, the thread is awake anyway
    }

    // MARK: - Thread

    private func threadMain() {
        blockSIGPIPEOnCurrentThread()
        while true {
            lock.lock()
            let closed = isClosed
            let changes = requests
            requests = []
            lock.unlock()
            if closed { break }
            for (change, complete) in changes { apply(change, complete: complete) }
            if connection == nil { connectIfDue() }
            drainBufferedReplies()
            checkDeadlines()
            waitForInput()
        }
        connection = nil
        for waiter in waiters { waiter.complete(.failure(.closed)) }
        waiters = []
        onFinish()
        lock.lock()
        hasExited = true
        let exitWaiters = self.exitWaiters
        self.exitWaiters = []
        lock.unlock()
        for waiter in exitWaiters { waiter.resume() }
    }

    private func apply(_ change: Change, complete: @escaping Completion) {
        let names = change.names
        switch (change.kind, change.isSubscribe) {
        case (.channel, true): channels.formUnion(names)
        case (.pattern, true): patterns.formUnion(names)
        case (.channel, false): channels.subtract(names)
        case (.pattern, false): patterns.subtract(names)
        }
        let verb: RedisArgument
        switch (change.kind, change.isSubscribe) {
        case (.channel, true): verb = "SUBSCRIBE"
        case (.pattern, true): verb = "PSUBSCRIBE"
        case (.channel, false): verb = "UNSUBSCRIBE"
        case (.pattern, false): verb = "PUNSUBSCRIBE"
        }
        if change.isSubscribe {
            waiters.append(Waiter(
                channels: change.kind == .channel ? Set(names) : [],
                patterns: change.kind == .pattern ? Set(names) : [],
                deadline: clock.now + configuration.commandTimeout,
                complete: complete))
        } else {
            // Waiters for names just dropped get what they last asked for: done.
            for index in waiters.indices {
                if change.kind == .channel { waiters[index].channels.subtract(names) }
                else { waiters[index].patterns.subtract(names) }
            }
            completeSatisfiedWaiters()
            complete(.success(()))
        }
        if connection != nil { send([verb] + names.map(RedisArgument.string)) }
    }

    private func connectIfDue() {
        let now = clock.now
        guard backoff.mayAttempt(at: now) else { return }
        switch RedisConnection.connect(configuration) {
        case .failure:
            backoff.failed(at: clock.now)
        case .success(let open):
            connection = open
            backoff.succeeded(at: clock.now)
            lastRead = clock.now
            pingSent = nil
            if !channels.isEmpty { send(["SUBSCRIBE"] + channels.sorted().map(RedisArgument.string)) }
            if !patterns.isEmpty { send(["PSUBSCRIBE"] + patterns.sorted().map(RedisArgument.string)) }
        }
    }

    /// Writes one command now; a failure drops the connection.
    private func send(_ arguments: [RedisArgument]) {
        guard let connection else { return }
        do {
            try connection.append(try EncodedCommand(arguments))
            try connection.flush()
        } catch {
            connectionBroke()
        }
    }

    private func connectionBroke() {
        connection = nil
        pingSent = nil
        backoff.attemptNow(at: clock.now)
    }

    private func drainBufferedReplies() {
        guard let connection else { return }
        do {
            while let reply = try connection.bufferedReply() { handle(reply) }
        } catch {
            connectionBroke()
        }
    }

    /// Times out waiters and checks the connection with PING when idle.
    private func checkDeadlines() {
        let now = clock.now
        var remaining: [Waiter] = []
        for waiter in waiters {
            if now >= waiter.deadline { waiter.complete(.failure(.timeout(after: configuration.commandTimeout))) }
            else { remaining.append(waiter) }
        }
        waiters = remaining
        guard connection != nil else { return }
        if let pingSent {
            if now - pingSent >= configuration.commandTimeout { connectionBroke() }
        } else if now - lastRead >= healthCheckInterval {
            pingSent = now
            send(["PING"])
        }
    }

    /// Sleeps in poll(2) until the socket or the wake-up pipe is readable, or
    /// the next deadline (backoff, waiter, health check) is due.
    private func waitForInput() {
        let now = clock.now
        var until = now + .seconds(1)
        if connection == nil { until = min(until, backoff.nextAttempt) }
        for waiter in waiters { until = min(until, waiter.deadline) }
        if connection != nil {
            until = min(until, pingSent.map { $0 + configuration.commandTimeout } ?? lastRead + healthCheckInterval)
        }
        var timeout = (until - now).pollMilliseconds
        var fds: [pollfd] = []
        if let wakePipe { fds.append(pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0)) }
        else { timeout = min(timeout, 20) }
        if let connection { fds.append(pollfd(fd: connection.fileDescriptor, events: Int16(POLLIN), revents: 0)) }
        let ready = poll(&fds, nfds_t(fds.count), max(timeout, 0))
        guard ready > 0 else { return }
        if let wakePipe, let first = fds.first, first.revents != 0 {
            var sink = [UInt8](repeating: 0, count: 64)
            while read(wakePipe.read, &sink, sink.count) > 0 {}
        }
        if let connection, let last = fds.last, last.fd == connection.fileDescriptor, last.revents != 0 {
            do {
                try connection.readAvailable()
                lastRead = clock.now
                pingSent = nil
            } catch {
                connectionBroke()
            }
        }
    }

    // MARK: - Replies

    private func handle(_ reply: RedisValue) {
        guard case .array(let items) = reply, let kind = items.first?.text?.lowercased() else {
            if case .error(let message) = reply {
                for waiter in waiters { waiter.complete(.failure(.server(message: message))) }
                waiters = []
            }
            return
        }
        switch kind {
        case "message" where items.count == 3:
            guard let channel = items[1].text, let payload = items[2].bytes, channels.contains(channel) else { return }
            sink(RedisMessage(channel: channel, payload: payload))
        case "pmessage" where items.count == 4:
            guard let pattern = items[1].text, let channel = items[2].text, let payload = items[3].bytes,
                  patterns.contains(pattern) else { return }
            sink(RedisMessage(channel: channel, payload: payload, pattern: pattern))
        case "subscribe" where items.count >= 2:
            guard let channel = items[1].text else { return }
            for index in waiters.indices { waiters[index].channels.remove(channel) }
            completeSatisfiedWaiters()
        case "psubscribe" where items.count >= 2:
            guard let pattern = items[1].text else { return }
            for index in waiters.indices { waiters[index].patterns.remove(pattern) }
            completeSatisfiedWaiters()
        default:
            return  // unsubscribe/punsubscribe confirmations, pong
        }
    }

    private func completeSatisfiedWaiters() {
        var remaining: [Waiter] = []
        for waiter in waiters {
            if waiter.channels.isEmpty && waiter.patterns.isEmpty { waiter.complete(.success(())) }
            else { remaining.append(waiter) }
        }
        waiters = remaining
    }
}
