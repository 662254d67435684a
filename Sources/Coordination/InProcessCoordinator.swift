import Foundation

/// Coordination inside one process: the registry, rooms and events live in
/// this actor. For `edgemesh dev` and single-instance deployments.
///
/// Leases expire on the injected clock (`now`), so tests can move time.
public actor InProcessCoordinator: Coordinator {
    public let configuration: CoordinatorConfiguration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let hub = RoomEventHub()
    private var nodes: [NodeID: (record: NodeRecord, expires: ContinuousClock.Instant)] = [:]
    private var roomMembers: [RoomID: [MemberID: MemberRecord]] = [:]
    private var roomTracks: [RoomID: [MediaTrackID: TrackRecord]] = [:]
    private var isClosed = false

    /// Creates an empty coordinator. `now` is the lease clock (default: the continuous clock).
    public init(
        configuration: CoordinatorConfiguration = CoordinatorConfiguration(),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.configuration = configuration
        self.now = now
    }

    // MARK: Node registry

    public func register(_ node: NodeRecord) throws(RedisError) {
        try checkOpen()
        var record = node
        record.updatedAt = Date()
        nodes[node.id] = (record, now() + configuration.leaseDuration)
    }

    public func renew(_ node: NodeID, load: NodeLoad) throws(RedisError) -> Bool {
        try checkOpen()
        let current = now()
        guard var entry = nodes[node], entry.expires > current else {
            nodes[node] = nil
            return false
        }
        entry.record.load = load
        entry.record.updatedAt = Date()
        entry.expires = current + configuration.leaseDuration
        nodes[node] = entry
        return true
    }

    public func deregister(_ node: NodeID) throws(RedisError) {
        try checkOpen()
        nodes[node] = nil
    }

    public func healthyNodes() throws(RedisError) -> [NodeRecord] {
        try checkOpen()
        let current = now()
        nodes = nodes.filter { $0.value.expires > current }
        return nodes.values.map(\.record).sorted { $0.id < $1.id }
    }

    // MARK: Rooms

    public func addMember(_ member: MemberRecord, to room: RoomID) throws(RedisError) {
        try checkOpen()
        roomMembers[room, default: [:]][member.id] = member
    }

    public func removeMember(_ member: MemberID, from room: RoomID) throws(RedisError) -> [TrackRecord] {
        try checkOpen()
        roomMembers[room]?[member] = nil
        let removed = (roomTracks[room] ?? [:]).values.filter { $0.member == member }
        for track in removed { roomTracks[room]?[track.id] = nil }
        if roomMembers[room]?.isEmpty ?? true {
            roomMembers[room] = nil
            roomTracks[room] = nil
        }
        return removed.sorted { $0.id < $1.id }
    }

    public func members(of room: RoomID) throws(RedisError) -> [MemberRecord] {
        try checkOpen()
        return (roomMembers[room] ?? [:]).values.sorted { $0.id < $1.id }
    }

    public func publishTrack(_ track: TrackRecord, in room: RoomID) throws(RedisError) {
        try checkOpen()
        roomTracks[room, default: [:]][track.id] = track
    }

    public func unpublishTrack(_ track: MediaTrackID, in room: RoomID) throws(RedisError) -> TrackRecord? {
        try checkOpen()
        return roomTracks[room]?.removeValue(forKey: track)
    }

    public func tracks(in room: RoomID) throws(RedisError) -> [TrackRecord] {
        try checkOpen()
        return (roomTracks[room] ?? [:]).values.sorted { $0.id < $1.id }
    }

    public func rooms() throws(RedisError) -> [RoomID] {
        try checkOpen()
        return roomMembers.keys.sorted()
    }

    // MARK: Events

    public func publish(_ event: RoomEvent) throws(RedisError) {
        try checkOpen()
        hub.dispatch(event)
    }

    public func events(for room: RoomID) throws(RedisError) -> AsyncStream<RoomEvent> {
        try checkOpen()
        guard let (stream, _) = hub.subscribe(room, added: {}, emptied: {}) else { throw .closed }
        return stream
    }

    /// Local event streams of `room` (for tests).
    nonisolated func eventStreamCount(_ room: RoomID) -> Int { hub.streamCount(room) }

    public func close() {
        isClosed = true
        hub.close()
    }

    private func checkOpen() throws(RedisError) {
        if isClosed { throw .closed }
    }
}
