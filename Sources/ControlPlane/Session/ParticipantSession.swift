import Coordination
import Crypto
import Logging

/// One participant: joins, then reacts to its client's messages, room events
/// and node events one at a time (a Go-style select loop), so every ordering
/// guarantee of PROTOCOL.md follows from the order things are handled in.
///
/// Lives inside its connection's task; not shared.
final class ParticipantSession {
    let services: BackendServices
    let admission: Admission
    let outbox: Outbox
    let inbox: AsyncStream<SessionInput>
    let inboxContinuation: AsyncStream<SessionInput>.Continuation
    var logger: Logger

    let room: RoomID
    let participantID: MemberID
    var me: MemberRecord?
    var sfu: SFUNodeClient?
    var nodeID = ""

    /// What this client has been told: other participants and every track.
    var knownMembers: [MemberID: MemberRecord] = [:]
    var knownTracks: [MediaTrackID: TrackRecord] = [:]
    /// Tracks with a consumer on this participant's subscriber transport.
    var subscribed: Set<MediaTrackID> = []
    /// Tracks of other nodes asked for (`relay_need`), waiting for `relay_ready`.
    var awaitingRelay: [MediaTrackID: (quality: TrackQuality, ref: String?)] = [:]
    /// A server offer awaits the client's answer; another is needed after it.
    var offerOutstanding = false
    var renegotiationPending = false
    /// `track_info` by mid, applied when the track is published.
    var trackInfo: [String: (source: TrackSource, name: String)] = [:]
    /// This participant's published tracks and their mids.
    var ownTrackMids: [MediaTrackID: String] = [:]
    /// Chat ids sent with the join history (live copies are skipped).
    var historyIDs: Set<String> = []
    var connectedTransports = (publisher: false, subscriber: false)
    var joinLatencyRecorded = false
    var joinedSent = false
    var migrateSent = false
    var closing = false

    init(services: BackendServices, admission: Admission, outbox: Outbox,
         inbox: (AsyncStream<SessionInput>, AsyncStream<SessionInput>.Continuation), logger: Logger) {
        self.services = services
        self.admission = admission
        self.outbox = outbox
        (self.inbox, self.inboxContinuation) = inbox
        self.room = RoomID(admission.claims.room)
        self.participantID = MemberID(RandomID.make(prefix: "PA_"))
        var logger = logger
        logger[metadataKey: "participant"] = "\(participantID.rawValue)"
        logger[metadataKey: "room"] = "\(admission.claims.room)"
        self.logger = logger
    }

    var claims: TokenClaims { admission.claims }
    var grants: Grants { admission.claims.grants }
    var metrics: BackendMetrics { services.metrics }

    /// The room's session id (`joined.room.sid`): stable for a room name.
    var roomSID: String {
        let digest = SHA256.hash(data: Array(("edgemesh-room:" + room.rawValue).utf8))
        return "RM_" + Base64URL.encode(Array(digest).prefix(9))
    }

    func send(_ message: JSONValue) { outbox.send(message) }

    func sendError(_ error: SignalError) {
        metrics.error(error.code)
        send(error.json)
    }

    func sendError(_ code: SignalErrorCode, _ message: String, ref: String? = nil) {
        sendError(SignalError(code, message, ref: ref))
    }

    /// Joins; returns false (after sending an `error`) when the participant cannot join.
    func join() async -> Bool {
        var attempt: (Placement, SFUNodeClient)?
        for _ in 0..<3 where attempt == nil {
            guard let placement = await services.place(admission) else { break }
            do {
                let client = try services.sfu.client(for: placement.node.grpcAddress)
                _ = try await client.createParticipant(room: room.rawValue, participant: participantID.rawValue)
                attempt = (placement, client)
            } catch {
                // A node that does not answer is left out until its lease or the next probe decides.
                logger.warning("creating transports failed", metadata: ["node": "\(placement.node.id)", "error": "\(error)"])
                await services.directory.suspend(placement.node.id)
            }
        }
        guard let (placement, client) = attempt else {
            sendError(.noSFUAvailable, "no SFU node with capacity is available")
            return false
        }
        sfu = client
        nodeID = placement.node.id
        let record = MemberRecord(
            id: participantID, identity: claims.subject, name: claims.displayName,
            region: RegionID(placement.node.region), node: NodeID(placement.node.id), backend: services.instanceID)
        me = record
        do {
            try await enterRoom(record, placement: placement)
        } catch {
            logger.warning("joining the room failed", metadata: ["error": "\(error)"])
            metrics.redisErrors.increment()
            sendError(.internal, "room state is unavailable")
            await departure()?()
            return false
        }
        return true
    }

    private func enterRoom(_ record: MemberRecord, placement: Placement) async throws {
        let coordinator = services.coordinator
        try await services.rooms.attach(room: room, member: .init(id: participantID, node: nodeID, inbox: inboxContinuation))
        for old in try await coordinator.members(of: room) where old.identity == record.identity {
            try await coordinator.publish(RoomSignal.kick(old.id, reason: "identity joined again").event(room: room, origin: services.instanceID))
            let removed = try await coordinator.removeMember(old.id, from: room)
            for track in removed { try await publish(.trackUnpublished(track)) }
            try await publish(.participantLeft(old.id))
        }
        try await coordinator.addMember(record, to: room)
        let members = try await removeGhosts(try await coordinator.members(of: room))
        let tracks = try await coordinator.tracks(in: room)
        let history = try await services.chat.recent(room: room)

        var others: [(MemberRecord, [TrackRecord])] = []
        for member in members where member.id != participantID {
            knownMembers[member.id] = member
            let theirs = tracks.filter { $0.member == member.id }
            for track in theirs { knownTracks[track.id] = track }
            others.append((member, theirs))
        }
        send(ServerMessage.joined(
            room: room.rawValue, sid: roomSID, me: record, grants: grants, others: others,
            sfu: .init(node: placement.node.id, region: placement.node.region, regionName: placement.regionName,
                       reason: placement.reason),
            iceServers: services.configuration.iceServers
                + (services.configuration.turn.map { [$0.iceServer(participant: participantID.rawValue)] } ?? [])))
        joinedSent = true
        metrics.joins.increment()
        metrics.participants.add(1)
        metrics.joinSignalingLatency.observe(Self.seconds(since: admission.openedAt))
        for message in history {
            historyIDs.insert(message.id)
            send(ServerMessage.chat(message))
        }
        try await publish(.participantJoined(record, tracks: []))
        logger.debug("joined", metadata: ["node": "\(nodeID)", "others": "\(others.count)"])
        await autoSubscribe(others.flatMap(\.1))
    }

    /// Removes members whose backend instance is gone (killed without
    /// cleaning up), announcing their departure; returns the others.
    private func removeGhosts(_ members: [MemberRecord]) async throws -> [MemberRecord] {
        let backends = Array(Set(members.map(\.backend)).subtracting([services.instanceID]))
        let alive = try await services.liveness.alive(backends).union([services.instanceID])
        var present: [MemberRecord] = []
        for member in members {
            guard !alive.contains(member.backend) else {
                present.append(member)
                continue
            }
            logger.info("removing a member of a backend that is gone", metadata: ["member": "\(member.id)", "backend": "\(member.backend)"])
            for track in try await services.coordinator.removeMember(member.id, from: room) {
                try await publish(.trackUnpublished(track))
            }
            try await publish(.participantLeft(member.id))
        }
        return present
    }

    /// Publishes a room signal to every instance serving the room.
    func publish(_ signal: RoomSignal) async throws(RedisError) {
        try await services.coordinator.publish(signal.event(room: room, origin: services.instanceID))
    }

    /// Handles inputs until the participant leaves or the connection ends.
    func run() async {
        for await input in inbox {
            switch input {
            case .client(let envelope):
                metrics.message(type: envelope.type)
                await handle(envelope)
            case .room(let signal):
                await handle(signal)
            case .speakers(let speakers):
                send(ServerMessage.activeSpeakers(speakers))
            case .transportConnected(let publisher):
                transportConnected(publisher: publisher)
            case .relayReady(let track, let error):
                await relayReady(track, error: error)
            case .migrate(let reason):
                // The client reconnects; its new session (same identity) replaces this one.
                if !migrateSent {
                    migrateSent = true
                    logger.info("asking the client to migrate", metadata: ["node": "\(nodeID)", "reason": "\(reason)"])
                    send(ServerMessage.migrate(reason: reason))
                }
            case .closed(let reason):
                logger.debug("connection closing", metadata: ["reason": "\(reason)"])
                closing = true
            }
            if closing { break }
        }
    }

    private func transportConnected(publisher: Bool) {
        if publisher { connectedTransports.publisher = true } else { connectedTransports.subscriber = true }
        if connectedTransports.publisher, connectedTransports.subscriber, !joinLatencyRecorded {
            joinLatencyRecorded = true
            metrics.joinLatency.observe(Self.seconds(since: admission.openedAt))
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// The work of leaving the room, or nil when there is nothing to undo:
    /// close the transports, remove the member and its tracks, and tell the
    /// room (`track_unpublished` first, then `participant_left`). Taking it
    /// marks the participant as gone, so it is done once.
    func departure() -> (@Sendable () async -> Void)? {
        guard let record = me else { return nil }
        me = nil
        services.rooms.detach(room: room, member: record.id)
        services.mesh.submit(.publisherLeft(room, record.id))
        if joinedSent { metrics.participants.add(-1) }
        let (services, sfu, room, logger) = (services, sfu, room, logger)
        return {
            if let sfu {
                try? await sfu.closeParticipant(room: room.rawValue, participant: record.id.rawValue)
            }
            do {
                let coordinator = services.coordinator
                let removed = try await coordinator.removeMember(record.id, from: room)
                for track in removed {
                    try await coordinator.publish(RoomSignal.trackUnpublished(track).event(room: room, origin: services.instanceID))
                }
                try await coordinator.publish(RoomSignal.participantLeft(record.id).event(room: room, origin: services.instanceID))
                if try await coordinator.members(of: room).isEmpty {
                    try await services.chat.clear(room: room)
                }
            } catch {
                services.metrics.redisErrors.increment()
                logger.warning("leaving the room failed", metadata: ["error": "\(error)"])
            }
            logger.debug("left")
        }
    }
}
