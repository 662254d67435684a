import Coordination

/// Room events (from every backend instance) and this participant's subscriptions.
extension ParticipantSession {
    func handle(_ signal: RoomSignal) async {
        switch signal {
        case .participantJoined(let member, let tracks):
            guard member.id != participantID, knownMembers[member.id] == nil else { return }
            knownMembers[member.id] = member
            let fresh = tracks.filter { knownTracks[$0.id] == nil }
            for track in fresh { knownTracks[track.id] = track }
            send(ServerMessage.participantJoined(member, tracks: fresh))
            await autoSubscribe(fresh)
        case .participantLeft(let id):
            guard id != participantID, knownMembers.removeValue(forKey: id) != nil else { return }
            for track in knownTracks.values where track.member == id { await forget(track) }
            send(ServerMessage.participantLeft(id))
        case .tracksPublished(let tracks):
            let fresh = tracks.filter { track in
                knownTracks[track.id] == nil && (track.member == participantID || knownMembers[track.member] != nil)
            }
            for track in fresh {
                knownTracks[track.id] = track
                send(ServerMessage.trackPublished(track))
            }
            await autoSubscribe(fresh)
        case .trackUnpublished(let track):
            guard let known = knownTracks[track.id] else { return }
            await forget(known)
        case .trackMuted(let id, let muted):
            guard var track = knownTracks[id] else { return }
            track.muted = muted
            knownTracks[id] = track
            send(ServerMessage.trackMuted(id, muted: muted))
        case .chat(let record, let sender, let ref):
            guard !historyIDs.contains(record.id) else { return }
            send(ServerMessage.chat(record, ref: sender == participantID ? ref : nil))
        case .kick(let id, let reason):
            guard id == participantID else { return }
            sendError(.duplicateIdentity, "another connection joined as \(claims.subject): \(reason)")
            me = nil  // the newcomer removed this member from the room already
            if let sfu { try? await sfu.closeParticipant(room: room.rawValue, participant: participantID.rawValue) }
            services.rooms.detach(room: room, member: participantID)
            services.mesh.submit(.publisherLeft(room, participantID))
            if joinedSent { metrics.participants.add(-1) }
            closing = true
        }
    }

    /// Sends `track_unpublished` and drops the track (the SFU removed its consumers: renegotiate).
    private func forget(_ track: TrackRecord) async {
        knownTracks[track.id] = nil
        ownTrackMids[track.id] = nil
        awaitingRelay[track.id] = nil
        if track.member == participantID { await services.mesh.disown(room: room, track: track.id) }
        send(ServerMessage.trackUnpublished(track.id))
        if subscribed.remove(track.id) != nil { await renegotiate() }
    }

    /// Subscribes to other participants' tracks when `auto_subscribe` is on and the token allows it.
    func autoSubscribe(_ tracks: [TrackRecord]) async {
        guard admission.autoSubscribe, grants.subscribe else { return }
        await subscribe(tracks.filter { $0.member != participantID && !subscribed.contains($0.id) }, quality: .high, ref: nil)
    }

    /// Adds consumers for same-node tracks; a track published on another
    /// node is first relayed to this one (`requestRelay`), and subscribed
    /// when its `relay_ready` arrives.
    /// - Parameter relayed: the tracks are available on this node through a relay.
    func subscribe(_ tracks: [TrackRecord], quality: TrackQuality, ref: String?, relayed: Bool = false) async {
        guard let sfu, !tracks.isEmpty else { return }
        let local = relayed ? tracks : tracks.filter { $0.node.rawValue == nodeID }
        if !relayed {
            await requestRelay(tracks.filter { $0.node.rawValue != nodeID }, quality: quality, ref: ref)
        }
        guard !local.isEmpty else { return }
        do {
            let renegotiate = try await sfu.subscribe(
                room: room.rawValue, participant: participantID.rawValue, trackIDs: local.map(\.id.rawValue), quality: quality)
            for track in local { subscribed.insert(track.id) }
            if renegotiate { await self.renegotiate() }
        } catch {
            sendError(.internal, "subscribing failed: \(error.message)", ref: ref)
        }
    }

    func unsubscribe(_ tracks: [TrackRecord], ref: String?) async {
        guard let sfu, !tracks.isEmpty else { return }
        do {
            let renegotiate = try await sfu.unsubscribe(
                room: room.rawValue, participant: participantID.rawValue, trackIDs: tracks.map(\.id.rawValue))
            for track in tracks { subscribed.remove(track.id) }
            await releaseRelays(tracks)
            if renegotiate { await self.renegotiate() }
        } catch {
            sendError(.internal, "unsubscribing failed: \(error.message)", ref: ref)
        }
    }

    /// Sends a new server offer, or marks one as needed while the last is unanswered.
    func renegotiate() async {
        guard let sfu else { return }
        guard !offerOutstanding else {
            renegotiationPending = true
            return
        }
        renegotiationPending = false
        do {
            let offer = try await sfu.createSubscriberOffer(room: room.rawValue, participant: participantID.rawValue)
            offerOutstanding = true
            send(ServerMessage.sdp("offer", target: .subscriber, sdp: offer))
        } catch {
            sendError(.internal, "creating the subscriber offer failed: \(error.message)")
        }
    }
}
