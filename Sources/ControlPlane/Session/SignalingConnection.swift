import HummingbirdWebSocket
import Logging
import Synchronization

/// One signaling WebSocket: a writer draining the outbox, a reader turning
/// frames into validated messages (size limit, rate limit, `bad_message` /
/// `unknown_type` replies that keep the socket open), an idle watchdog, and
/// the participant's session loop. Everything is a child task of the
/// connection; when the session ends, the others are cancelled, the
/// participant leaves, and the outbox is flushed before the socket closes.
struct SignalingConnection: Sendable {
    let services: BackendServices
    let admission: Admission
    let logger: Logger

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let metrics = services.metrics
        metrics.connections.add(1)
        defer { metrics.connections.add(-1) }
        let (inbox, inboxContinuation) = AsyncStream<SessionInput>.makeStream()
        let outbox = Outbox { inboxContinuation.yield(.closed(reason: "client does not read its messages")) }
        let session = ParticipantSession(
            services: services, admission: admission, outbox: outbox,
            inbox: (inbox, inboxContinuation), logger: logger)
        let lastActivity = ActivityClock()

        await withDiscardingTaskGroup { connection in
            connection.addTask {
                for await text in outbox.stream {
                    do {
                        try await outbound.writeTextMessage(text)
                    } catch {
                        inboxContinuation.yield(.closed(reason: "write failed"))
                    }
                }
            }
            if await services.joinGate.withPermit({ await session.join() }) {
                await withDiscardingTaskGroup { workers in
                    workers.addTask {
                        await read(inbound, outbox: outbox, inbox: inboxContinuation, lastActivity: lastActivity)
                    }
                    workers.addTask {
                        await watchIdle(lastActivity: lastActivity, inbox: inboxContinuation)
                    }
                    await session.run()
                    workers.cancelAll()
                }
                if let departure = session.departure() {
                    // Leaving must finish even when the server is shutting down (cancelled).
                    await Task.detached(operation: departure).value
                }
            }
            inboxContinuation.finish()
            outbox.finish()
        }
    }

    private func read(
        _ inbound: WebSocketInboundStream, outbox: Outbox, inbox: AsyncStream<SessionInput>.Continuation,
        lastActivity: ActivityClock
    ) async {
        let configuration = services.configuration
        let metrics = services.metrics
        var assembler = MessageAssembler(limit: configuration.maxMessageBytes)
        var limiter = RateLimiter(perSecond: configuration.messagesPerSecond, burst: configuration.messageBurst)
        func reply(_ error: SignalError) {
            metrics.error(error.code)
            outbox.send(error.json)
        }
        do {
            for try await frame in inbound {
                let kind: MessageAssembler.FrameKind =
                    switch frame.opcode {
                    case .text: .text
                    case .binary: .binary
                    case .continuation: .continuation
                    }
                guard let outcome = assembler.add(kind: kind, fin: frame.fin, payload: frame.data.readableBytesView) else { continue }
                let now = ContinuousClock.now
                lastActivity.touch(now)
                guard limiter.allow(at: now) else {
                    metrics.message(type: "rate_limited")
                    reply(SignalError(.rateLimited, "more than \(Int(configuration.messagesPerSecond)) messages per second; message dropped",
                                      ref: Self.peekID(outcome)))
                    continue
                }
                switch outcome {
                case .tooLarge(let bytes, let limit):
                    metrics.message(type: "oversized")
                    reply(SignalError(.badMessage, "message of \(bytes) bytes exceeds the \(limit)-byte limit"))
                case .binary(let bytes):
                    reply(SignalError(.badMessage, "binary message of \(bytes) bytes: messages are JSON text frames"))
                case .unexpectedContinuation:
                    reply(SignalError(.badMessage, "continuation frame without a message"))
                case .text(let bytes):
                    do {
                        let envelope = try ClientEnvelope.decode(bytes)
                        inbox.yield(.client(envelope))
                        if envelope.message == .leave { return }
                    } catch {
                        metrics.message(type: "invalid")
                        reply(error)
                    }
                }
            }
        } catch {
            logger.debug("socket read failed", metadata: ["error": "\(error)"])
        }
        inbox.yield(.closed(reason: "socket closed"))
    }

    /// The `id` of a message that is about to be dropped, when it is cheap to find.
    private static func peekID(_ outcome: MessageAssembler.Outcome) -> String? {
        guard case .text(let bytes) = outcome, bytes.count <= 8192,
              let id = try? JSONValue.parse(bytes).objectValue?["id"]?.stringValue,
              id.utf8.count <= ClientEnvelope.maximumIDBytes else { return nil }
        return id
    }

    private func watchIdle(lastActivity: ActivityClock, inbox: AsyncStream<SessionInput>.Continuation) async {
        let timeout = services.configuration.idleTimeout
        while !Task.isCancelled {
            let deadline = lastActivity.last + timeout
            if ContinuousClock.now >= deadline {
                inbox.yield(.closed(reason: "idle for \(timeout)"))
                return
            }
            try? await Task.sleep(until: deadline)
        }
    }
}

/// When the client last sent a message.
final class ActivityClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    var last: ContinuousClock.Instant { instant.withLock { $0 } }

    func touch(_ now: ContinuousClock.Instant) { instant.withLock { $0 = now } }
}
