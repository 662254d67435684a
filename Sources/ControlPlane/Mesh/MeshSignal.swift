import Coordination
import Foundation

/// Relay coordination between backend instances, carried as room events
/// beside `RoomSignal` (types `relay_need` and `relay_ready`).
///
/// The backend serving a track's publisher owns that track's relay tree
/// (docs/decisions.md "Edge mesh"). A backend whose participant on node X
/// wants a track published on another node sends `need`; the owner pulls
/// the track along its tree to X and answers `ready` (with an error when it
/// could not), after which the participant's session subscribes on X.
enum MeshSignal: Sendable, Equatable {
    /// `member` on `node` wants (`needed`) or no longer wants `track`.
    case need(track: MediaTrackID, node: NodeID, member: MemberID, needed: Bool)
    /// `track` can be subscribed on `node`; `error` says why it cannot.
    case ready(track: MediaTrackID, node: NodeID, error: String?)

    private struct Body: Codable {
        var track: MediaTrackID
        var node: NodeID
        var member: MemberID?
        var needed: Bool?
        var error: String?
    }

    static let needType = "relay_need"
    static let readyType = "relay_ready"

    /// The room event carrying this signal.
    func event(room: RoomID, origin: String) -> RoomEvent {
        let (type, body): (String, Body) = switch self {
        case .need(let track, let node, let member, let needed):
            (Self.needType, Body(track: track, node: node, member: member, needed: needed))
        case .ready(let track, let node, let error):
            (Self.readyType, Body(track: track, node: node, error: error))
        }
        let payload = (try? JSONEncoder().encode(body)).map { Array($0) } ?? []
        return RoomEvent(room: room, origin: origin, type: type, payload: payload)
    }

    /// The signal of a room event; nil for other types or a malformed payload.
    init?(event: RoomEvent) {
        guard event.type == Self.needType || event.type == Self.readyType,
              let body = try? JSONDecoder().decode(Body.self, from: Data(event.payload)) else { return nil }
        if event.type == Self.needType {
            guard let member = body.member, let needed = body.needed else { return nil }
            self = .need(track: body.track, node: body.node, member: member, needed: needed)
        } else {
            self = .ready(track: body.track, node: body.node, error: body.error)
        }
    }
}
