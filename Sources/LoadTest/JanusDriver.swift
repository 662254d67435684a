import ControlPlane
import LoadPeers

/// A participant of a Janus VideoRoom, driven through Janus's HTTP API
/// (create session, attach `janus.plugin.videoroom`, `joinandconfigure`
/// with our offer → Janus's answer; subscriber `join` → Janus's offer →
/// `start` with our answer; events by long poll), with the same simulated
/// peers as EdgeMesh's participants. Janus should run with `ice_lite = true`
/// (our peers nominate as controlling agents, as they do towards EdgeMesh).
public struct JanusDriver: SignalingDriver {
    public let name = "janus"
    public let client: HTTPClient
    public let room: UInt64

    public init(client: HTTPClient, room: UInt64) {
        self.client = client
        self.room = room
    }

    public func run(_ handle: ParticipantHandle, peers: PeerFactory) async {
        let plan = handle.plan
        var publisher: LoadPublisher?
        var subscriber: LoadSubscriber?
        var poller: Task<Void, Never>?
        do {
            publisher = plan.publishes ? try await peers.makePublisher() : nil
            subscriber = plan.subscribes ? try await peers.makeSubscriber() : nil
            let (pub, sub) = (publisher, subscriber)
            handle.update {
                $0.publisher = pub
                $0.subscriber = sub
                $0.startedAt = MonotonicClock.nanoseconds()
            }
            guard let session = try await post("/janus", JanusRequest.create(transaction: Self.transaction())).dataID else {
                throw LoadTestError.protocolViolation("Janus create: no session id")
            }
            let (events, continuation) = AsyncStream<JanusMessage>.makeStream()
            poller = Task { [client] in await Self.poll(client: client, session: session, into: continuation) }
            handle.update { state in
                state.leave = { [self] in _ = try? await self.post("/janus/\(session)", JanusRequest.destroy(transaction: Self.transaction())) }
            }
            var iterator = events.makeAsyncIterator()
            if let publisher {
                let pluginHandle = try await attach(session: session)
                let answer = try await request(
                    session: session, pluginHandle: pluginHandle,
                    body: JanusRequest.joinAndPublish(room: room, display: plan.identity),
                    jsep: ("offer", publisher.offerSDP), events: &iterator)
                handle.update { $0.joinedAt = MonotonicClock.nanoseconds() }
                try await publisher.connect(answerSDP: answer)
                handle.update { $0.publisherConnected = true }
                try await publisher.startSending()
            }
            if let subscriber {
                let pluginHandle = try await attach(session: session)
                let listing = try await post(
                    "/janus/\(session)/\(pluginHandle)",
                    JanusRequest.message(transaction: Self.transaction(), body: JanusRequest.listParticipants(room: room)))
                let feeds = listing.publisherFeeds.filter { _ in true }
                guard !feeds.isEmpty else { throw LoadTestError.protocolViolation("Janus room \(room) has no publishers") }
                let offer = try await request(
                    session: session, pluginHandle: pluginHandle,
                    body: JanusRequest.joinAsSubscriber(room: room, feeds: feeds), jsep: nil, events: &iterator)
                handle.update { $0.joinedAt = MonotonicClock.nanoseconds() }
                let answer = try await subscriber.answer(offerSDP: offer)
                _ = try await post(
                    "/janus/\(session)/\(pluginHandle)",
                    JanusRequest.message(transaction: Self.transaction(), body: JanusRequest.start, jsep: ("answer", answer)))
                try await subscriber.connect()
                handle.update {
                    $0.subscriberConnected = true
                    $0.subscriberConnectedAt = MonotonicClock.nanoseconds()
                }
            }
            // Until the session is destroyed (leave) or lost.
            while await iterator.next() != nil {}
        } catch {
            handle.fail("\(error)")
        }
        poller?.cancel()
        await publisher?.close()
        await subscriber?.close()
        handle.update { $0.finished = true }
    }

    /// Attaches the VideoRoom plugin; returns the handle id.
    private func attach(session: UInt64) async throws -> UInt64 {
        guard let id = try await post("/janus/\(session)", JanusRequest.attach(transaction: Self.transaction())).dataID else {
            throw LoadTestError.protocolViolation("Janus attach: no handle id")
        }
        return id
    }

    /// Sends an asynchronous plugin request and waits for its event with a JSEP; returns the SDP.
    private func request(
        session: UInt64, pluginHandle: UInt64, body: JSONObject, jsep: (type: String, sdp: String)?,
        events: inout AsyncStream<JanusMessage>.AsyncIterator
    ) async throws -> String {
        let transaction = Self.transaction()
        _ = try await post("/janus/\(session)/\(pluginHandle)", JanusRequest.message(transaction: transaction, body: body, jsep: jsep))
        while let event = await events.next() {
            guard event.sender == pluginHandle else { continue }
            if let reason = event.errorReason { throw LoadTestError.serverError(code: "\(event.errorCode ?? 0)", message: reason) }
            if let sdp = event.jsepSDP { return sdp }
        }
        throw LoadTestError.protocolViolation("Janus session \(session) ended before the SDP arrived")
    }

    /// POSTs a request; returns the reply, throwing on HTTP or Janus errors.
    private func post(_ path: String, _ body: String) async throws -> JanusMessage {
        let (status, text) = try await client.request(method: .POST, path: path, body: body)
        guard status == 200 else { throw LoadTestError.http("POST \(path): \(status) \(text.prefix(200))") }
        guard let reply = try JanusMessage.parseAll(text).first else { throw LoadTestError.protocolViolation("empty Janus reply") }
        if let reason = reply.errorReason { throw LoadTestError.serverError(code: "\(reply.errorCode ?? 0)", message: reason) }
        return reply
    }

    /// Long-polls the session's events until it is gone or the task is cancelled.
    private static func poll(client: HTTPClient, session: UInt64, into continuation: AsyncStream<JanusMessage>.Continuation) async {
        var request = 0
        while !Task.isCancelled {
            request += 1
            guard let (status, text) = try? await client.request(method: .GET, path: "/janus/\(session)?maxev=10&rid=\(request)"),
                  status == 200, let messages = try? JanusMessage.parseAll(text)
            else { break }
            var gone = false
            for message in messages {
                if message.kind == "error", message.errorCode == 458 { gone = true }
                if message.kind != "keepalive" { continuation.yield(message) }
            }
            if gone { break }
        }
        continuation.finish()
    }

    private static func transaction() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }
}
