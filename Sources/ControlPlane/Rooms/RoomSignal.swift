import Coordination
import Foundation

/// What backend instances tell each other about a room, carried as
/// `RoomEvent`s (`type` = the case's wire name, `payload` = JSON of the body).
/// Every instance serving the room, the sender's included, turns each signal
/// into client messages for its own participants.
enum RoomSignal: Sendable, Equatable {
    case participantJoined(MemberRecord, tracks: [TrackRecord])
    /// Sent after the `trackUnpublished` of the participant's tracks.
    case participantLeft(MemberID)
    /// Tracks of one publish (one signal, so subscribers renegotiate once).
    case tracksPublished([TrackRecord])
    case trackUnpublished(TrackRecord)
    case trackMuted(MediaTrackID, muted: Bool)
    /// `ref` is echoed only to `sender`.
    case chat(ChatRecord, sender: MemberID, ref: String?)
    /// Close the connection of this participant (same identity joined again).
    case kick(MemberID, reason: String)

    private struct Body: Codable {
        var member: MemberRecord?
        var memberID: MemberID?
        var track: TrackRecord?
        var tracks: [TrackRecord]?
        var trackID: MediaTrackID?
        var muted: Bool?
        var chat: ChatRecord?
        var ref: String?
        var reason: String?
    }

    var typeName: String {
        switch self {
        case .participantJoined: "participant_joined"
        case .participantLeft: "participant_left"
        case .tracksPublished: "track_published"
        case .trackUnpublished: "track_unpublished"
        case .trackMuted: "track_muted"
        case .chat: "chat"
        case .kick: "kick"
        }
    }

    /// The room event carrying this signal.
    func event(room: RoomID, origin: String) -> RoomEvent {
        var body = Body()
        switch self {
        case .participantJoined(let member, let tracks):
            body.member = member
            body.tracks = tracks
        case .participantLeft(let id): body.memberID = id
        case .tracksPublished(let tracks): body.tracks = tracks
        case .trackUnpublished(let track): body.track = track
        case .trackMuted(let id, let muted):
            body.trackID = id
            body.muted = muted
        case .chat(let record, let sender, let ref):
            body.chat = record
            body.memberID = sender
            body.ref = ref
        case .kick(let id, let reason):
            body.memberID = id
            body.reason = reason
        }
        let payload = (try? JSONEncoder().encode(body)).map { Array($0) } ?? []
        return RoomEvent(room: room, origin: origin, type: typeName, payload: payload)
    }

    /// The signal of a room event, or nil for an unknown type or a malformed payload.
    init?(event: RoomEvent) {
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(event.payload)) else { return nil }
        switch event.type {
        case "participant_joined":
            guard let member = body.member else { return nil }
            self = .participantJoined(member, tracks: body.tracks ?? [])
        case "participant_left":
            guard let id = body.memberID else { return nil }
            self = .participantLeft(id)
        case "track_published":
            guard let tracks = body.tracks, !tracks.isEmpty else { return nil }
            self = .tracksPublished(tracks)
        case "track_unpublished":
            guard let track = body.track else { return nil }
            self = .trackUnpublished(track)
        case "track_muted":
            guard let id = body.trackID, let muted = body.muted else { return nil }
            self = .trackMuted(id, muted: muted)
        case "chat":
            guard let record = body.chat, let sender = body.memberID else { return nil }
            self = .chat(record, sender: sender, ref: body.ref)
        case "kick":
            guard let id = body.memberID else { return nil }
            self = .kick(id, reason: body.reason ?? "")
        default:
            return nil
        }
    }
}
