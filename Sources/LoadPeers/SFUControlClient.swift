import ControlProtocol
import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore

/// The SFU's gRPC control API (`Protos/edgemesh/v1/sfu.proto`) as a load
/// tester uses it: the signaling a backend would do for each participant.
public struct SFUControlClient: Sendable {
    let client: Edgemesh_V1_SFU.Client<HTTP2ClientTransport.Posix>

    /// Runs `body` with a client connected to `host:port` (plaintext HTTP/2);
    /// the connection closes when `body` returns.
    public static func with<Result: Sendable>(
        host: String, port: Int, group: any EventLoopGroup,
        _ body: (SFUControlClient) async throws -> Result
    ) async throws -> Result {
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(host: host, port: port), transportSecurity: .plaintext, eventLoopGroup: group)
        return try await withGRPCClient(transport: transport) { grpc in
            try await body(SFUControlClient(client: Edgemesh_V1_SFU.Client(wrapping: grpc)))
        }
    }

    public func createParticipant(room: String, participant: String) async throws {
        var request = Edgemesh_V1_CreateParticipantRequest()
        request.room = room
        request.participantID = participant
        _ = try await client.createParticipant(request)
    }

    public func closeParticipant(room: String, participant: String) async throws {
        var request = Edgemesh_V1_CloseParticipantRequest()
        request.room = room
        request.participantID = participant
        _ = try await client.closeParticipant(request)
    }

    /// Sends the publisher's offer; returns the SFU's answer and the ids of the tracks it created.
    public func publish(room: String, participant: String, offerSDP: String) async throws -> (answerSDP: String, trackIDs: [String]) {
        var request = Edgemesh_V1_PublishRequest()
        request.room = room
        request.participantID = participant
        request.offerSdp = offerSDP
        let response = try await client.publish(request)
        return (response.answerSdp, response.tracks.map(\.id))
    }

    /// Adds consumers that prefer the `quality` simulcast layer; true when a new server offer is needed.
    @discardableResult
    public func subscribe(
        room: String, participant: String, trackIDs: [String], quality: Edgemesh_V1_Quality = .high
    ) async throws -> Bool {
        var request = Edgemesh_V1_SubscribeRequest()
        request.room = room
        request.participantID = participant
        request.trackIds = trackIDs
        request.quality = quality
        return try await client.subscribe(request).renegotiate
    }

    public func createSubscriberOffer(room: String, participant: String) async throws -> String {
        var request = Edgemesh_V1_CreateSubscriberOfferRequest()
        request.room = room
        request.participantID = participant
        return try await client.createSubscriberOffer(request).offerSdp
    }

    public func setSubscriberAnswer(room: String, participant: String, answerSDP: String) async throws {
        var request = Edgemesh_V1_SetSubscriberAnswerRequest()
        request.room = room
        request.participantID = participant
        request.answerSdp = answerSDP
        _ = try await client.setSubscriberAnswer(request)
    }

    /// The node's counters (packets received/forwarded, drops by reason).
    public func nodeStats() async throws -> Edgemesh_V1_NodeStats {
        try await client.getNodeStats(Edgemesh_V1_GetNodeStatsRequest())
    }
}
