import Coordination

/// Client → server messages (PROTOCOL.md "client → server").
extension ParticipantSession {
    func handle(_ envelope: ClientEnvelope) async {
        let ref = envelope.id
        switch envelope.message {
        case .offer(let sdp): await publishOffer(sdp, ref: ref)
        case .answer(let sdp): await subscriberAnswer(sdp, ref: ref)
        case .candidate:
            // The SFU is ICE-lite and its candidates are in its SDP; client candidates are accepted and ignored.
            break
        case .trackInfo(let mid, let source, let name): await trackInfo(mid: mid, source: source, name: name)
        case .subscribe(let ids, let subscribed, let quality):
            await manualSubscribe(ids.map { MediaTrackID($0) }, subscribed: subscribed, quality: quality, ref: ref)
        case .mute(let trackID, let muted): await mute(MediaTrackID(trackID), muted: muted, ref: ref)
        case .chat(let text): await chat(text, ref: ref)
        case .ping(let ts): send(ServerMessage.pong(ts: ts, serverTs: Timestamp.nowMilliseconds(), ref: ref))
        case .leave: closing = true
        }
    }

    /// `offer` (publisher): the SFU answers; new tracks are announced to the room before the answer is sent.
    private func publishOffer(_ sdp: String, ref: String?) async {
        guard grants.publish else {
            sendError(.notAllowed, "this token has no publish grant", ref: ref)
            return
        }
        guard let sfu, let me else { return }
        let result: (answer: String, tracks: [ControlProtocolTrack])
        do {
            result = try await sfu.publish(room: room.rawValue, participant: participantID.rawValue, offer: sdp)
        } catch {
            sendError(error.kind == .invalidArgument ? .sdpInvalid : .internal, "publish failed: \(error.message)", ref: ref)
            return
        }
        var published: [TrackRecord] = []
        for track in result.tracks {
            let kind = track.kind == .audio ? "audio" : "video"
            let info = trackInfo[track.mid]
            let record = TrackRecord(
                id: MediaTrackID(track.id), member: participantID, kind: kind,
                source: info?.source.rawValue ?? (kind == "audio" ? TrackSource.microphone.rawValue : TrackSource.camera.rawValue),
                name: info?.name ?? "", simulcast: track.simulcastRids, region: me.region, node: me.node)
            ownTrackMids[record.id] = track.mid
            // This backend owns the track's relay tree (before anyone can learn of the track and ask for it).
            await services.mesh.own(room: room, track: track, publisher: participantID, origin: nodeID)
            do {
                try await services.coordinator.publishTrack(record, in: room)
                published.append(record)
            } catch {
                metrics.redisErrors.increment()
                sendError(.internal, "storing track \(record.id.rawValue) failed", ref: ref)
            }
        }
        if !published.isEmpty {
            do {
                try await publish(.tracksPublished(published))
            } catch {
                metrics.redisErrors.increment()
                sendError(.internal, "announcing the published tracks failed", ref: ref)
            }
        }
        send(ServerMessage.sdp("answer", target: .publisher, sdp: result.answer, ref: ref))
    }

    /// `answer` (subscriber) to the outstanding server offer.
    private func subscriberAnswer(_ sdp: String, ref: String?) async {
        guard offerOutstanding else {
            sendError(.badMessage, "no server offer is waiting for an answer", ref: ref)
            return
        }
        guard let sfu else { return }
        do {
            try await sfu.setSubscriberAnswer(room: room.rawValue, participant: participantID.rawValue, answer: sdp)
        } catch {
            sendError(error.kind == .invalidArgument ? .sdpInvalid : .internal, "answer rejected: \(error.message)", ref: ref)
            return
        }
        offerOutstanding = false
        if renegotiationPending { await renegotiate() }
    }

    /// `track_info`: remembered by mid for the next publish; updates an already published track.
    private func trackInfo(mid: String, source: TrackSource, name: String) async {
        trackInfo[mid] = (source, name)
        guard trackInfo.count <= 64 else {
            trackInfo.removeValue(forKey: mid)
            return
        }
        guard let id = ownTrackMids.first(where: { $0.value == mid })?.key, var track = knownTracks[id] else { return }
        track.source = source.rawValue
        track.name = name
        knownTracks[id] = track
        do {
            try await services.coordinator.publishTrack(track, in: room)
        } catch {
            metrics.redisErrors.increment()
        }
    }

    private func manualSubscribe(_ ids: [MediaTrackID], subscribed: Bool, quality: TrackQuality?, ref: String?) async {
        guard grants.subscribe else {
            sendError(.notAllowed, "this token has no subscribe grant", ref: ref)
            return
        }
        let unknown = ids.filter { knownTracks[$0] == nil }
        guard unknown.isEmpty else {
            sendError(.badMessage, "unknown track \(unknown[0].rawValue)", ref: ref)
            return
        }
        let tracks = ids.compactMap { knownTracks[$0] }.filter { $0.member != participantID }
        if subscribed {
            if let quality, let sfu {
                for track in tracks where isSubscribed(track.id) {
                    do {
                        try await sfu.setQuality(room: room.rawValue, participant: participantID.rawValue,
                                                 trackID: track.id.rawValue, quality: quality)
                    } catch {
                        sendError(.internal, "setting quality of \(track.id.rawValue) failed: \(error.message)", ref: ref)
                    }
                }
            }
            await subscribe(tracks.filter { !isSubscribed($0.id) }, quality: quality ?? .high, ref: ref)
        } else {
            await releaseRelays(tracks.filter { awaitingRelay[$0.id] != nil })
            await unsubscribe(tracks.filter { isSubscribed($0.id) }, ref: ref)
        }
    }

    private func isSubscribed(_ id: MediaTrackID) -> Bool { self.subscribed.contains(id) }

    /// `mute`: own tracks only (or any track with the admin grant).
    private func mute(_ id: MediaTrackID, muted: Bool, ref: String?) async {
        guard var track = knownTracks[id] else {
            sendError(.badMessage, "unknown track \(id.rawValue)", ref: ref)
            return
        }
        guard track.member == participantID || grants.admin else {
            sendError(.notAllowed, "track \(id.rawValue) is not yours", ref: ref)
            return
        }
        track.muted = muted
        do {
            try await services.coordinator.publishTrack(track, in: room)
            try await publish(.trackMuted(id, muted: muted))
        } catch {
            metrics.redisErrors.increment()
            sendError(.internal, "muting failed", ref: ref)
        }
    }

    /// `chat`: stored in the room's history and delivered to everyone through the room's events.
    private func chat(_ text: String, ref: String?) async {
        guard grants.chat else {
            sendError(.notAllowed, "this token has no chat grant", ref: ref)
            return
        }
        guard let me else { return }
        let record = ChatRecord(id: RandomID.make(prefix: "CH_"), fromID: me.id.rawValue, fromIdentity: me.identity,
                                fromName: me.name, text: text, ts: Timestamp.nowMilliseconds())
        do {
            try await services.chatSequencer.run {
                try await services.chat.append(record, room: room)
                try await publish(.chat(record, sender: participantID, ref: ref))
            }
        } catch {
            metrics.redisErrors.increment()
            sendError(.internal, "chat failed", ref: ref)
        }
    }
}
