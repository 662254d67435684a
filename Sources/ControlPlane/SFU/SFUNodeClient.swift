import ControlProtocol
import GRPCCore

/// A track as the SFU reports it.
public typealias ControlProtocolTrack = Edgemesh_V1_Track

/// Typed calls to one SFU node's gRPC API (`Protos/edgemesh/v1/sfu.proto`),
/// each with a deadline; failures become `SFUCallError`. The transport is
/// HTTP/2 over TCP, or in-process for a node in the same process (`SFUClientPool`).
public struct SFUNodeClient: Sendable {
    public let address: String
    let client: any Edgemesh_V1_SFU.ClientProtocol
    let connections: any SFUConnections
    let onError: @Sendable (String) -> Void
    private let options: CallOptions

    init<Transport: ClientTransport>(
        address: String, client: GRPCClient<Transport>, timeout: Duration, onError: @escaping @Sendable (String) -> Void
    ) {
        self.address = address
        self.client = Edgemesh_V1_SFU.Client(wrapping: client)
        self.connections = client
        self.onError = onError
        var options = CallOptions.defaults
        options.timeout = timeout
        self.options = options
    }

    private func call<T: Sendable>(_ method: String, _ body: () async throws -> T) async throws(SFUCallError) -> T {
        do {
            return try await body()
        } catch {
            onError(method)
            throw SFUCallError(method: method, error: error)
        }
    }

    public func createParticipant(room: String, participant: String) async throws(SFUCallError) -> (node: String, region: String) {
        var request = Edgemesh_V1_CreateParticipantRequest()
        request.room = room
        request.participantID = participant
        let response = try await call("CreateParticipant") { try await client.createParticipant(request, options: options) }
        return (response.nodeID, response.region)
    }

    public func closeParticipant(room: String, participant: String) async throws(SFUCallError) {
        var request = Edgemesh_V1_CloseParticipantRequest()
        request.room = room
        request.participantID = participant
        _ = try await call("CloseParticipant") { try await client.closeParticipant(request, options: options) }
    }

    public func publish(room: String, participant: String, offer: String) async throws(SFUCallError) -> (answer: String, tracks: [Edgemesh_V1_Track]) {
        var request = Edgemesh_V1_PublishRequest()
        request.room = room
        request.participantID = participant
        request.offerSdp = offer
        let response = try await call("Publish") { try await client.publish(request, options: options) }
        return (response.answerSdp, response.tracks)
    }

    public func createSubscriberOffer(room: String, participant: String) async throws(SFUCallError) -> String {
        var request = Edgemesh_V1_CreateSubscriberOfferRequest()
        request.room = room
        request.participantID = participant
        return try await call("CreateSubscriberOffer") { try await client.createSubscriberOffer(request, options: options) }.offerSdp
    }

    public func setSubscriberAnswer(room: String, participant: String, answer: String) async throws(SFUCallError) {
        var request = Edgemesh_V1_SetSubscriberAnswerRequest()
        request.room = room
        request.participantID = participant
        request.answerSdp = answer
        _ = try await call("SetSubscriberAnswer") { try await client.setSubscriberAnswer(request, options: options) }
    }

    /// Returns whether the subscriber transport needs a new server offer.
    public func subscribe(room: String, participant: String, trackIDs: [String], quality: TrackQuality) async throws(SFUCallError) -> Bool {
        var request = Edgemesh_V1_SubscribeRequest()
        request.room = room
        request.participantID = participant
        request.trackIds = trackIDs
        request.quality = quality.message
        return try await call("Subscribe") { try await client.subscribe(request, options: options) }.renegotiate
    }

    public func unsubscribe(room: String, participant: String, trackIDs: [String]) async throws(SFUCallError) -> Bool {
        var request = Edgemesh_V1_UnsubscribeRequest()
        request.room = room
        request.participantID = participant
        request.trackIds = trackIDs
        return try await call("Unsubscribe") { try await client.unsubscribe(request, options: options) }.renegotiate
    }

    public func setQuality(room: String, participant: String, trackID: String, quality: TrackQuality) async throws(SFUCallError) {
        var request = Edgemesh_V1_SetQualityRequest()
        request.room = room
        request.participantID = participant
        request.trackID = trackID
        request.quality = quality.message
        _ = try await call("SetQuality") { try await client.setQuality(request, options: options) }
    }

    public func stats() async throws(SFUCallError) -> NodeReport {
        let stats = try await call("GetNodeStats") { try await client.getNodeStats(Edgemesh_V1_GetNodeStatsRequest(), options: options) }
        let trunks = stats.trunks.map { trunk in
            TrunkReport(peer: trunk.peerNodeID, established: trunk.established, rttSeconds: trunk.rttSeconds,
                        oneWayDelaySeconds: trunk.oneWayDelaySeconds, loss: trunk.loss)
        }
        return NodeReport(nodeID: stats.nodeID, region: stats.region, participants: Int(stats.participants),
                          trunks: trunks, draining: stats.draining)
    }

    /// Streams the node's events to `handler` until the stream ends, fails or the task is cancelled.
    public func watchEvents(_ handler: @escaping @Sendable (Edgemesh_V1_NodeEvent) async -> Void) async throws(SFUCallError) {
        try await call("WatchEvents") {
            try await client.watchEvents(Edgemesh_V1_WatchEventsRequest()) { response in
                for try await event in response.messages {
                    await handler(event)
                }
            }
        }
    }
}

extension TrackQuality {
    var message: Edgemesh_V1_Quality {
        switch self {
        case .high: .high
        case .medium: .medium
        case .low: .low
        }
    }
}
