import ControlPlane
import HummingbirdWSClient
import LoadPeers
import Logging
import NIOCore

/// Where participants get their access tokens.
public enum TokenSource: Sendable {
    /// `POST /v1/dev/token` of a backend in dev mode.
    case devEndpoint(HTTPClient)
    /// Minted locally with the backend's `JWT_SECRET`.
    case secret(TokenCodec)

    /// A token for `identity` in `room`, valid for an hour.
    public func token(room: String, identity: String) async throws -> String {
        switch self {
        case .secret(let codec):
            let now = Timestamp.now()
            return codec.mint(TokenClaims(subject: identity, room: room, expiresAt: now + 3600, issuedAt: now))
        case .devEndpoint(let client):
            let body = JSONValue.object(["room": .string(room), "identity": .string(identity)]).serialized()
            let (status, text) = try await client.request(method: .POST, path: "/v1/dev/token", body: body)
            guard status == 200 else { throw LoadTestError.http("POST /v1/dev/token: \(status) \(text.prefix(200))") }
            guard let token = (try? JSONValue.parse(Array(text.utf8)))?.objectValue?["token"]?.stringValue else {
                throw LoadTestError.protocolViolation("/v1/dev/token answered without a token")
            }
            return token
        }
    }
}

/// A participant of EdgeMesh: PROTOCOL.md over a WebSocket to the backend
/// (`/v1/rtc`), then ICE/DTLS/SRTP to the node named in the SDP.
public struct EdgeMeshDriver: SignalingDriver {
    public let name = "edgemesh"
    public let endpoint: HTTPClient
    public let tokens: TokenSource
    public let logger: Logger

    public init(endpoint: HTTPClient, tokens: TokenSource, logger: Logger) {
        self.endpoint = endpoint
        self.tokens = tokens
        self.logger = logger
    }

    public func run(_ handle: ParticipantHandle, peers: PeerFactory) async {
        let plan = handle.plan
        var publisher: LoadPublisher?
        var subscriber: LoadSubscriber?
        do {
            publisher = plan.publishes ? try await peers.makePublisher() : nil
            subscriber = plan.subscribes ? try await peers.makeSubscriber() : nil
            let token = try await tokens.token(room: plan.room, identity: plan.identity)
            // With a preferred layer the participant subscribes track by track (`subscribe` + `quality`).
            let autoSubscribe = plan.subscribes && plan.quality == nil
            var url = "ws://\(endpoint.host):\(endpoint.port)/v1/rtc?access_token=\(token)&auto_subscribe=\(autoSubscribe)"
            if let rtt = plan.rttHint { url += "&rtt=\(rtt)" }
            let (pub, sub) = (publisher, subscriber)
            handle.update {
                $0.publisher = pub
                $0.subscriber = sub
                $0.startedAt = MonotonicClock.nanoseconds()
            }
            var configuration = WebSocketClientConfiguration()
            configuration.maxFrameSize = 1 << 20
            try await WebSocketClient.connect(
                url: url, configuration: configuration, eventLoopGroup: endpoint.group, logger: logger
            ) { inbound, outbound, _ in
                handle.update { state in
                    state.leave = { try? await outbound.writeTextMessage(ClientSignal.leave) }
                }
                try await Self.converse(
                    handle: handle, inbound: inbound, outbound: outbound, publisher: pub, subscriber: sub)
            }
            if handle.snapshot.joinedAt == nil {
                // A refused upgrade or a close before `joined` (no_sfu_available, …).
                let errors = handle.snapshot.serverErrors.joined(separator: "; ")
                handle.fail("socket closed before joined" + (errors.isEmpty ? "" : " (\(errors))"))
            }
        } catch {
            handle.fail("\(error)")
        }
        await publisher?.close()
        await subscriber?.close()
        handle.update { $0.finished = true }
    }

    /// Reacts to server messages until the socket closes.
    static func converse(
        handle: ParticipantHandle, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
        publisher: LoadPublisher?, subscriber: LoadSubscriber?
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            var subscriberConnecting = false
            var participantID: String?
            /// `subscribe` with the preferred layer, for tracks of others (manual subscription only).
            func subscribe(_ trackIDs: [String]) async throws {
                guard subscriber != nil, let quality = handle.plan.quality, !trackIDs.isEmpty else { return }
                try await outbound.writeTextMessage(ClientSignal.subscribe(trackIDs: trackIDs, quality: quality))
            }
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                let signal: ServerSignal
                do {
                    signal = try ServerSignal.parse(text)
                } catch {
                    handle.fail("\(error)")
                    continue
                }
                switch signal {
                case .joined(let id, let node, let region, let trackIDs):
                    participantID = id
                    handle.update {
                        $0.joinedAt = MonotonicClock.nanoseconds()
                        $0.node = node
                        $0.region = region
                    }
                    if let publisher {
                        try await outbound.writeTextMessage(ClientSignal.publisherOffer(sdp: publisher.offerSDP))
                    }
                    try await subscribe(trackIDs)
                case .trackPublished(let trackID, let owner, _) where owner != participantID:
                    try await subscribe([trackID])
                case .answer(let target, let sdp) where target == "publisher":
                    guard let publisher else { continue }
                    tasks.addTask {
                        do {
                            try await publisher.connect(answerSDP: sdp)
                            handle.update { $0.publisherConnected = true }
                            try await publisher.startSending()
                        } catch {
                            handle.fail("publisher: \(error)")
                        }
                    }
                case .offer(let target, let sdp) where target == "subscriber":
                    guard let subscriber else { continue }
                    let answer = try await subscriber.answer(offerSDP: sdp)
                    try await outbound.writeTextMessage(ClientSignal.subscriberAnswer(sdp: answer))
                    if !subscriberConnecting {
                        subscriberConnecting = true
                        tasks.addTask {
                            do {
                                try await subscriber.connect()
                                handle.update {
                                    $0.subscriberConnected = true
                                    $0.subscriberConnectedAt = MonotonicClock.nanoseconds()
                                }
                            } catch {
                                handle.fail("subscriber: \(error)")
                            }
                        }
                    }
                case .error(let code, let message):
                    handle.update { $0.serverErrors.append("\(code): \(message)") }
                default:
                    continue
                }
            }
            // The socket closed: stop the peers so pending connects end now.
            await publisher?.close()
            await subscriber?.close()
            try await tasks.waitForAll()
        }
    }
}
