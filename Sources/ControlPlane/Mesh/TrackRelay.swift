import Coordination

/// A track whose relay tree this backend owns.
struct RelayKey: Sendable, Hashable {
    var room: RoomID
    var track: MediaTrackID
}

/// What the orchestrator knows about one owned track: who needs it where,
/// the planned tree and what the nodes were told.
struct TrackRelay: Sendable {
    /// The track as the origin reported it (what `PullTrack` carries).
    var track: ControlProtocolTrack
    var origin: String
    var publisher: MemberID
    /// Members needing the track, by node.
    var demand: [String: Set<MemberID>] = [:]
    /// The tree of the last reconciliation.
    var tree: CascadeTree?
    /// Upstream of every node a `PullTrack` succeeded on (and not released since).
    var pulled: [String: String] = [:]
    /// Nodes waiting for a `ready` answer.
    var announce: Set<String> = []

    /// Nodes (other than the origin) with at least one member needing the track.
    var targets: Set<String> {
        Set(demand.filter { !$0.value.isEmpty && $0.key != origin }.keys)
    }

    /// Whether the current tree has `node` forwarding the track to another node (not as its origin).
    func relays(through node: String) -> Bool {
        node != origin && (tree?.parent.values.contains(node) ?? false)
    }

    /// Whether the current tree sends over the trunk between `a` and `b`.
    func uses(_ a: String, _ b: String) -> Bool {
        tree.map { $0.parent[a] == b || $0.parent[b] == a } ?? false
    }
}

/// What the orchestrator reacts to (from room events, node events, sessions and timers).
enum MeshInput: Sendable {
    case signal(RoomID, MeshSignal)
    case memberLeft(RoomID, MemberID)
    case publisherLeft(RoomID, MemberID)
    case trunkChanged(reporter: String, peer: String, established: Bool)
    /// The node's event stream broke (the process is likely gone): plan
    /// around it until the directory decides.
    case nodeUnreachable(String)
    /// The node announced a drain (`NodeDraining`): re-plan the trees it
    /// relays for around it while it still forwards (make-before-break).
    case nodeDraining(String)
}
