import Coordination

/// Everything a participant's session loop reacts to, in arrival order.
enum SessionInput: Sendable {
    /// A validated client message.
    case client(ClientEnvelope)
    /// A room event from any backend instance.
    case room(RoomSignal)
    /// The SFU node's speakers for this room (participant id, RFC 6464 level 0 loud … 127 silent).
    case speakers([(participant: String, level: Double)])
    /// One of the participant's transports connected on the node.
    case transportConnected(publisher: Bool)
    /// A track published on another node can now be subscribed on this
    /// participant's node (relayed), or could not be (`error`).
    case relayReady(MediaTrackID, error: String?)
    /// The participant's node is draining: tell the client to reconnect (`migrate`), once.
    case migrate(reason: String)
    /// The socket closed, idled out or the backend is shutting down.
    case closed(reason: String)
}
