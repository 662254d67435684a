import ControlProtocol
import GRPCCore
import NIOCore
import SFU

/// The node's gRPC control API (`Protos/edgemesh/v1/sfu.proto`). Each call
/// hops onto the media event loop, where all media state lives.
struct SFUService: Edgemesh_V1_SFU.SimpleServiceProtocol {
    let engine: MediaEngine
    let nodeID: String
    let region: String
    /// The node's drain (`SFUService+Drain.swift`).
    let drainState: NodeDrain

    func onMediaLoop<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await engine.eventLoop.submit(body).get()
        } catch let error as NodeControlError {
            switch error {
            case .unknownParticipant, .unknownTrack:
                throw RPCError(code: .notFound, message: error.description)
            case .sdpInvalid, .noAnswerExpected, .invalidTrack:
                throw RPCError(code: .invalidArgument, message: error.description)
            case .trunksDisabled, .unknownPeer:
                throw RPCError(code: .failedPrecondition, message: error.description)
            case .dtls:
                throw RPCError(code: .internalError, message: error.description)
            }
        }
    }

    func createParticipant(
        request: Edgemesh_V1_CreateParticipantRequest, context: ServerContext
    ) async throws -> Edgemesh_V1_CreateParticipantResponse {
        let (room, participant) = try validated(room: request.room, participant: request.participantID)
        try refuseWhileDraining()
        try await onMediaLoop { engine.createParticipant(room: room, participant: participant) }
        var response = Edgemesh_V1_CreateParticipantResponse()
        response.nodeID = nodeID
        response.region = region
        return response
    }

    func closeParticipant(
        request: Edgemesh_V1_CloseParticipantRequest, context: ServerContext
    ) async throws -> Edgemesh_V1_CloseParticipantResponse {
        let (room, participant) = try validated(room: request.room, participant: request.participantID)
        try await onMediaLoop { engine.closeParticipant(room: room, participant: participant) }
        return .init()
    }

    func publish(request: Edgemesh_V1_PublishRequest, context: ServerContext) async throws -> Edgemesh_V1_PublishResponse {
        let (room, participant) = try validated(room: request.room, participant: request.participantID)
        let offer = request.offerSdp
        let result = try await onMediaLoop { try engine.publish(room: room, participant: participant, offerSDP: offer) }
        var response = Edgemesh_V1_PublishResponse()
        response.answerSdp = result.answerSDP
        response.tracks = result.tracks.map(\.message)
        return response
    }

    func createSubscriberOffer(
        request: Edgemesh_V1_CreateSubscriberOfferRequest, context: ServerContext
    ) async throws -> Edgemesh_V1_CreateSubscriberOfferResponse {
        let (room, participant) = try validated(room: request.room, participant: request.participantID)
        let sdp = try await onMediaLoop { try engine.createSubscriberOffer(room: room, participant: participant) }
        var response = Edgemesh_V1_CreateSubscriberOfferResponse()
        response.offerSdp = sdp
        return response
    }

    func setSubscriberAnswer(
        request: Edgemesh_V1_SetSubscriberAnswerRequest, context: ServerContext
    ) async throws -> Edgemesh_V1_SetSubscriberAnswerResponse {
        let (room, participant) = try validated(room: request.room, participant: request.participantID)
        let answer = request.answerSdp
        try await onMediaLoop { try engine.setSubscriberAnswer(room: room, participant: participant, answerSDP: answer) }
        return .init()
    }

    func subscribe(request: Edgemesh_V1_SubscribeRequest, context: ServerContext) async throws -> Edgemesh_V1_SubscribeResponse {
        let (room, participant) = try validated(room: request.room, participant: request.participantID)
        let ids = request.trackIds.map(TrackID.init)
        let quality = Quality(request.quality)
        let renegotiate = try await onMediaLoop {
            try engine.subscribe(room: room, participant: participant, trackIDs: ids, quality: quality)
        }
        var response = Edgemesh_V1_SubscribeResponse()
        response.renegotiate = renegotiate
        return response
    }

    func unsubscribe(
        request: Edgemesh_V1_UnsubscribeRequest, context: ServerContext
    ) async throws -> Edgemesh_V1_UnsubscribeResponse {
        let (room, participant) = try validated(room: request.room, participant: request.participantID)
        let ids = request.trackIds.map(TrackID.init)
        let renegotiate = try await onMediaLoop {
            try engine.unsubscribe(room: room, participant: participant, trackIDs: ids)
        }
        var response = Edgemesh_V1_UnsubscribeResponse()
        response.renegotiate = renegotiate
        return response
    }

    func setQuality(request: Edgemesh_V1_SetQualityRequest, context: ServerContext) async throws -> Edgemesh_V1_SetQualityResponse {
        let (room, participant) = try validated(room: request.room, participant: request.participantID)
        let track = TrackID(request.trackID)
        let quality = Quality(request.quality)
        try await onMediaLoop { try engine.setQuality(room: room, participant: participant, trackID: track, quality: quality) }
        return .init()
    }

    func getNodeStats(request: Edgemesh_V1_GetNodeStatsRequest, context: ServerContext) async throws -> Edgemesh_V1_NodeStats {
        let snapshot = try await onMediaLoop { engine.stats() }
        var stats = Edgemesh_V1_NodeStats()
        stats.nodeID = nodeID
        stats.region = region
        stats.participants = UInt32(clamping: snapshot.participants)
        stats.transports = UInt32(clamping: snapshot.transports)
        stats.producers = UInt32(clamping: snapshot.producers)
        stats.consumers = UInt32(clamping: snapshot.consumers)
        stats.packetsReceived = engine.metrics.packetsReceived.current
        stats.packetsForwarded = engine.metrics.packetsForwarded.current
        stats.retransmissions = engine.metrics.retransmissions.current
        stats.drops = engine.metrics.dropCounts()
        for (reason, count) in snapshot.trunkDrops { stats.drops["trunk_" + reason] = count }
        stats.trunks = snapshot.trunks.map(\.message)
        stats.relayedTracks = UInt32(clamping: snapshot.relayedTracks)
        stats.draining = drainState.isDraining
        return stats
    }

    func watchEvents(
        request: Edgemesh_V1_WatchEventsRequest, response: RPCWriter<Edgemesh_V1_NodeEvent>, context: ServerContext
    ) async throws {
        for await event in engine.events.subscribe() {
            try await response.write(event.message)
        }
    }

    /// The room and participant of a request, checked as PROTOCOL.md defines them.
    private func validated(room: String, participant: String) throws -> (RoomName, ParticipantID) {
        (try validRoom(room), try validParticipant(participant))
    }

    func validRoom(_ name: String) throws -> RoomName {
        guard Self.isValidName(name) else {
            throw RPCError(code: .invalidArgument, message: "room must match [A-Za-z0-9._-]{1,128}")
        }
        return RoomName(name)
    }

    private func validParticipant(_ id: String) throws -> ParticipantID {
        guard (1...128).contains(id.utf8.count) else {
            throw RPCError(code: .invalidArgument, message: "participant id must be 1 to 128 bytes")
        }
        return ParticipantID(id)
    }

    static func isValidName(_ name: String) -> Bool {
        (1...128).contains(name.utf8.count) && name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x2E || c == 0x5F || c == 0x2D
        }
    }
}

extension Quality {
    init(_ quality: Edgemesh_V1_Quality) {
        switch quality {
        case .low: self = .low
        case .medium: self = .medium
        default: self = .high
        }
    }
}

extension PublishedTrack {
    var message: Edgemesh_V1_Track {
        var track = Edgemesh_V1_Track()
        track.id = id.rawValue
        track.participantID = participant.rawValue
        track.room = room.rawValue
        track.kind = kind == .audio ? .audio : .video
        track.mid = mid
        track.simulcastRids = rids
        track.codec = codec
        track.rtp = rtp.message
        track.originNodeID = originNodeID
        return track
    }
}

extension WebRTCTransport.Role {
    var message: Edgemesh_V1_TransportRole {
        self == .publisher ? .publisher : .subscriber
    }
}

extension NodeEvent {
    var message: Edgemesh_V1_NodeEvent {
        var event = Edgemesh_V1_NodeEvent()
        switch self {
        case .transportConnected(let room, let participant, let role):
            var e = Edgemesh_V1_TransportConnected()
            e.room = room.rawValue
            e.participantID = participant.rawValue
            e.role = role.message
            event.transportConnected = e
        case .transportFailed(let room, let participant, let role, let reason):
            var e = Edgemesh_V1_TransportFailed()
            e.room = room.rawValue
            e.participantID = participant.rawValue
            e.role = role.message
            e.reason = reason
            event.transportFailed = e
        case .trackPublished(let track):
            var e = Edgemesh_V1_TrackPublished()
            e.track = track.message
            event.trackPublished = e
        case .activeSpeakers(let room, let speakers):
            var e = Edgemesh_V1_ActiveSpeakers()
            e.room = room.rawValue
            e.speakers = speakers.map { speaker in
                var s = Edgemesh_V1_Speaker()
                s.participantID = speaker.participant.rawValue
                s.level = UInt32(speaker.level)
                return s
            }
            event.activeSpeakers = e
        case .trunkChanged(let peer, let established):
            var e = Edgemesh_V1_TrunkChanged()
            e.peerNodeID = peer
            e.established = established
            event.trunkChanged = e
        case .nodeDraining(let timeoutSeconds):
            var e = Edgemesh_V1_NodeDraining()
            e.timeoutSeconds = timeoutSeconds
            event.nodeDraining = e
        }
        return event
    }
}
