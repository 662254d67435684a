import SFU
import Synchronization

/// Something the control plane wants to hear about.
enum NodeEvent: Sendable {
    case transportConnected(room: RoomName, participant: ParticipantID, role: WebRTCTransport.Role)
    case transportFailed(room: RoomName, participant: ParticipantID, role: WebRTCTransport.Role, reason: String)
    case trackPublished(PublishedTrack)
    case activeSpeakers(room: RoomName, speakers: [(participant: ParticipantID, level: UInt8)])
    /// A trunk to another node came up or went down.
    case trunkChanged(peer: String, established: Bool)
    /// The node began draining (`NodeDrain`): move its participants elsewhere.
    case nodeDraining(timeoutSeconds: UInt32)
}

/// A track as the control plane sees it.
struct PublishedTrack: Sendable {
    let id: TrackID
    let participant: ParticipantID
    let room: RoomName
    let kind: SFU.MediaKind
    let mid: String
    let rids: [String]
    let codec: String
    /// The publisher's RTP parameters (what a relaying node needs).
    let rtp: TrackRTPParameters
    /// The node the publisher is connected to.
    let originNodeID: String
}

/// A published track's RTP parameters as the publisher negotiated them.
struct TrackRTPParameters: Sendable, Equatable {
    var payloadType: UInt8
    var clockRate: UInt32
    var formatParameters: String?
    /// nil when the publisher negotiated no RTX.
    var rtxPayloadType: UInt8?
    var channels: UInt16?
    /// Header extension ids of the publisher's packets.
    var extensions: NegotiatedExtensions
}

/// Fans node events out to every watcher (gRPC `WatchEvents` streams).
/// Each watcher has a bounded buffer; a slow watcher loses its oldest events.
final class NodeEventBroadcaster: Sendable {
    private let watchers = Mutex<[Int: AsyncStream<NodeEvent>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)

    func publish(_ event: NodeEvent) {
        let current = watchers.withLock { Array($0.values) }
        for continuation in current { continuation.yield(event) }
    }

    /// A new stream of events; it ends when the caller stops iterating.
    func subscribe() -> AsyncStream<NodeEvent> {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<NodeEvent>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        continuation.onTermination = { [weak self] _ in
            _ = self?.watchers.withLock { $0.removeValue(forKey: id) }
        }
        watchers.withLock { $0[id] = continuation }
        return stream
    }

    func finishAll() {
        let current = watchers.withLock { w -> [AsyncStream<NodeEvent>.Continuation] in
            defer { w.removeAll() }
            return Array(w.values)
        }
        for continuation in current { continuation.finish() }
    }
}
