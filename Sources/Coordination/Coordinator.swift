/// Settings shared by every `Coordinator` implementation.
public struct CoordinatorConfiguration: Sendable, Hashable {
    /// How long a node stays listed after its last register or renew. Default 6 s.
    public var leaseDuration: Duration
    /// How often a node should renew (for the node's heartbeat loop). Default 2 s.
    public var renewInterval: Duration
    /// Prefix of every Redis key and channel, so deployments can share a server. Default `edgemesh`.
    public var keyPrefix: String

    public init(leaseDuration: Duration = .seconds(6), renewInterval: Duration = .seconds(2),
                keyPrefix: String = "edgemesh") {
        self.leaseDuration = leaseDuration
        self.renewInterval = renewInterval
        self.keyPrefix = keyPrefix
    }
}

/// Shared state of the mesh: the node registry, room membership and track
/// lists, and room events between backend instances.
///
/// Two implementations: `InProcessCoordinator` (one process, `edgemesh dev`
/// and deployments without `REDIS_ADDR`) and `RedisCoordinator` (several
/// backends and nodes sharing one Redis). Both throw `RedisError`; the
/// in-process one only throws `.closed` and record errors.
public protocol Coordinator: Sendable {
    // MARK: Node registry

    /// Announces `node` (or replaces its record) with a fresh lease; sets `updatedAt`.
    func register(_ node: NodeRecord) async throws(RedisError)
    /// Extends the lease of a registered node and records its load. Returns
    /// `false` when the lease had already expired: the node must `register` again.
    func renew(_ node: NodeID, load: NodeLoad) async throws(RedisError) -> Bool
    /// Removes the node at once (clean shutdown).
    func deregister(_ node: NodeID) async throws(RedisError)
    /// Every node whose lease has not expired, sorted by id.
    func healthyNodes() async throws(RedisError) -> [NodeRecord]

    // MARK: Rooms

    /// Adds (or replaces) a participant; the room exists from its first member on.
    func addMember(_ member: MemberRecord, to room: RoomID) async throws(RedisError)
    /// Removes a participant and its tracks, returning the removed tracks; the
    /// room is removed with its last member.
    func removeMember(_ member: MemberID, from room: RoomID) async throws(RedisError) -> [TrackRecord]
    /// The room's participants, sorted by id.
    func members(of room: RoomID) async throws(RedisError) -> [MemberRecord]
    /// Adds or replaces a track (also for mute changes).
    func publishTrack(_ track: TrackRecord, in room: RoomID) async throws(RedisError)
    /// Removes a track, returning it if it existed.
    func unpublishTrack(_ track: MediaTrackID, in room: RoomID) async throws(RedisError) -> TrackRecord?
    /// The room's tracks, sorted by id.
    func tracks(in room: RoomID) async throws(RedisError) -> [TrackRecord]
    /// Rooms with at least one member, sorted.
    func rooms() async throws(RedisError) -> [RoomID]

    // MARK: Room events

    /// Sends `event` to every subscriber of `event.room`, on every instance.
    func publish(_ event: RoomEvent) async throws(RedisError)
    /// Events of `room` from the moment this returns until the stream is
    /// dropped or cancelled (then the subscription is released).
    func events(for room: RoomID) async throws(RedisError) -> AsyncStream<RoomEvent>

    /// Releases connections; later calls throw `.closed`.
    func close() async
}

extension Coordinator {
    /// Healthy nodes of one region, sorted by id.
    public func healthyNodes(in region: RegionID) async throws(RedisError) -> [NodeRecord] {
        try await healthyNodes().filter { $0.region == region }
    }
}
