import RTP
import SFU
import Trunk

extension MediaEngine {
    /// Subscriptions are repeated this often (control frames are datagrams and
    /// may be lost; the upstream node forgets a sink not refreshed for `sinkTimeout`).
    static let resubscribeNanoseconds: UInt64 = 1_000_000_000
    static let sinkTimeoutNanoseconds: UInt64 = 5_000_000_000

    // MARK: PullTrack / ReleaseTrack

    /// Makes `track` (published on another node) available in `room` here,
    /// pulled over the trunk from `upstream`. Idempotent; another upstream
    /// moves the subscription without touching this node's consumers.
    func pullTrack(room: RoomName, track: RelayedTrackDescription, upstream: MeshNodeID) throws(NodeControlError) {
        guard let trunk else { throw .trunksDisabled }
        guard upstream != trunk.identity.nodeID else { throw .unknownPeer("\(upstream) (this node)") }
        guard trunk.peers[upstream] != nil else { throw .unknownPeer(upstream.rawValue) }
        let key = RelayKey(room: room, track: track.id)
        let now = clock.now
        if let pull = relays.pulls[key] {
            guard pull.upstream != upstream else { return }
            logger.info("relay moved", metadata: ["track": "\(key.track)", "from": "\(pull.upstream)", "to": "\(upstream)"])
            sendTrunkControl([.unsubscribe(trackID: pull.trunkID)], to: pull.upstream)
            pull.upstream = upstream
            pull.sentMask = 0
            subscribeUpstream(pull, nowNanoseconds: now)
            // The new path starts mid-stream: a keyframe gets consumers going at once.
            for layer in pull.producer.layers.indices where pull.producer.layers[layer].isActive {
                pull.producer.requestKeyframe(layer: layer, nowNanoseconds: now)
            }
            trunk.flush()
            return
        }
        let roomState = rooms[room] ?? Room(name: room)
        rooms[room] = roomState
        if let existing = roomState.producers[track.id], !(existing.feedback is RelayPull) {
            return  // published here: nothing to pull
        }
        let producer = Producer(
            id: track.id, participant: track.participant, kind: track.kind, mid: track.mid, codec: track.codec,
            payloadType: track.rtp.payloadType, clockRate: track.rtp.clockRate,
            formatParameters: track.rtp.formatParameters, rids: track.rids, ssrcs: [])
        let pull = RelayPull(
            key: key, trunkID: relays.allocateTrunkID(), track: track, producer: producer, upstream: upstream)
        pull.engine = self
        producer.feedback = pull
        roomState.add(producer)
        relays.pulls[key] = pull
        relays.pullsByTrunkID[pull.trunkID] = pull
        subscribeUpstream(pull, nowNanoseconds: now)
        trunk.flush()
        logger.info("relay pulling", metadata: ["track": "\(key.track)", "room": "\(room)", "upstream": "\(upstream)"])
        updateGauges()
        metricsRelayedTracks()
    }

    /// Stops pulling a relayed track; its consumers here end.
    func releaseTrack(room: RoomName, track: TrackID) {
        let key = RelayKey(room: room, track: track)
        guard let pull = relays.pulls.removeValue(forKey: key) else { return }
        relays.pullsByTrunkID[pull.trunkID] = nil
        sendTrunkControl([.unsubscribe(trackID: pull.trunkID)], to: pull.upstream)
        trunk?.flush()
        if let roomState = rooms[room] {
            for consumer in roomState.removeProducer(track) { detachConsumer(consumer) }
            if roomState.isEmpty, !participants.keys.contains(where: { $0.room == room }) { rooms[room] = nil }
        }
        updateGauges()
        metricsRelayedTracks()
    }

    /// Sends (or repeats) the subscribe of a pull with the layers needed now.
    func subscribeUpstream(_ pull: RelayPull, nowNanoseconds now: UInt64) {
        let needed = pull.producer.neededLayerMask
        let mask = needed == 0 && pull.producer.layers.count == 1 ? 1 : needed
        pull.sentMask = mask == 0 ? 0 : mask
        pull.lastSubscribeNanoseconds = now
        sendTrunkControl([.subscribe(TrunkSubscribe(trackID: pull.trunkID, layers: mask, name: pull.name))], to: pull.upstream)
    }

    /// A trunk to `upstream` came up: subscriptions through it start now.
    func resubscribeRelays(upstream: MeshNodeID) {
        let now = clock.now
        for pull in relays.pulls.values where pull.upstream == upstream { subscribeUpstream(pull, nowNanoseconds: now) }
    }

    /// Periodic (250 ms): layer masks follow what consumers need, subscribes
    /// are repeated, stale trunk sinks are dropped.
    func maintainRelays(nowNanoseconds now: UInt64) {
        for pull in relays.pulls.values {
            let needed = pull.producer.neededLayerMask
            let mask = needed == 0 && pull.producer.layers.count == 1 ? 1 : needed
            if mask != pull.sentMask || now &- pull.lastSubscribeNanoseconds >= Self.resubscribeNanoseconds {
                subscribeUpstream(pull, nowNanoseconds: now)
            }
        }
        for (key, sink) in relays.sinks
        where sink.producer == nil || now &- sink.lastRefreshNanoseconds > Self.sinkTimeoutNanoseconds {
            removeSink(key)
        }
    }

    // MARK: the upstream side

    func handleTrunkControl(_ messages: [TrunkControlMessage], from peer: MeshNodeID) {
        let now = clock.now
        for message in messages {
            switch message {
            case .subscribe(let subscribe):
                handleSubscribe(subscribe, from: peer, nowNanoseconds: now)
            case .unsubscribe(let trackID):
                removeSink(TrunkSinkKey(peer: peer, trackID: trackID))
            case .nack(let nack):
                handleTrunkNACK(nack, from: peer, nowNanoseconds: now)
            case .pictureLossIndication(let trackID, let layer):
                guard let producer = relays.sinks[TrunkSinkKey(peer: peer, trackID: trackID)]?.producer else { continue }
                producer.requestKeyframe(layer: Int(layer), nowNanoseconds: now)
            case .ping, .pong, .unknown:
                continue
            }
        }
    }

    /// A downstream node subscribes a track: one sink per (track, node).
    private func handleSubscribe(_ subscribe: TrunkSubscribe, from peer: MeshNodeID, nowNanoseconds now: UInt64) {
        let key = TrunkSinkKey(peer: peer, trackID: subscribe.trackID)
        if let sink = relays.sinks[key], sink.name == subscribe.name, sink.producer != nil {
            sink.lastRefreshNanoseconds = now
            let added = subscribe.layers & ~sink.layerMask
            sink.layerMask = subscribe.layers
            if let producer = sink.producer { requestKeyframes(producer, mask: added, nowNanoseconds: now) }
            return
        }
        guard let trunk, let link = trunk.peers[peer], let target = RelayTable.parseMeshName(subscribe.name),
              let producer = rooms[target.room]?.producers[target.track]
        else {
            // Not (or not yet) published here: the downstream node repeats its subscribe.
            return
        }
        // One sink per track and downstream node: a new id for the same track replaces the old sink.
        for (other, sink) in relays.sinks where other.peer == peer && sink.name == subscribe.name { removeSink(other) }
        let sink = TrunkSink(
            key: key, name: subscribe.name, link: link, layerMask: subscribe.layers, producer: producer, nowNanoseconds: now)
        sink.engine = self
        producer.addRelaySink(sink)
        relays.sinks[key] = sink
        logger.info("relay sink added", metadata: ["track": "\(target.track)", "peer": "\(peer)", "layers": "\(subscribe.layers)"])
        requestKeyframes(producer, mask: subscribe.layers, nowNanoseconds: now)
        metricsRelayedTracks()
    }

    private func requestKeyframes(_ producer: Producer, mask: UInt8, nowNanoseconds now: UInt64) {
        for layer in producer.layers.indices where layer < 8 && mask & (1 << UInt8(layer)) != 0 {
            producer.requestKeyframe(layer: layer, nowNanoseconds: now)
        }
    }

    /// A downstream node lost packets: answer from this node's cache; what it
    /// lacks goes on towards the publisher (or this node's own upstream).
    private func handleTrunkNACK(_ nack: TrunkNACK, from peer: MeshNodeID, nowNanoseconds now: UInt64) {
        guard let sink = relays.sinks[TrunkSinkKey(peer: peer, trackID: nack.trackID)], let producer = sink.producer,
              let trunk, producer.layers.indices.contains(Int(nack.layer))
        else { return }
        let layer = Int(nack.layer)
        let cache = producer.layers[layer].cache
        let lost = nack.lostSequenceNumbers
        metrics.nacksReceived.increment(by: UInt64(lost.count))
        var missing: [UInt16] = []
        let trunkNow = TrunkTime.now()
        for seq in lost {
            let sent = cache.withPacket(sequenceNumber: seq, nowNanoseconds: now) { bytes -> Bool in
                let header = TrunkDataHeader(
                    trackID: nack.trackID, layer: nack.layer, hopCount: 1, kind: .rtp, originSendTime: trunkNow.unixMicroseconds)
                return trunk.sendData(header, payload: bytes, to: sink.link, now: trunkNow)
            }
            if sent == true { metrics.retransmissions.increment() } else { missing.append(seq) }
        }
        if !missing.isEmpty, let ssrc = producer.layers[layer].ssrc {
            producer.feedback?.requestRetransmission(mediaSSRC: ssrc, sequenceNumbers: missing)
        }
        trunk.flush()
    }

    func removeSink(_ key: TrunkSinkKey) {
        guard let sink = relays.sinks.removeValue(forKey: key) else { return }
        sink.producer?.removeRelaySink(sink)
        metricsRelayedTracks()
    }

    func removeSinks(of peer: MeshNodeID) {
        for key in relays.sinks.keys where key.peer == peer { removeSink(key) }
    }

    // MARK: the downstream side

    /// An authenticated RTP packet of a pulled track, in the trunk buffer.
    func receiveRelayed(
        _ packet: UnsafeRawBufferPointer, header frame: TrunkDataHeader, from peer: MeshNodeID, arrivalNanoseconds: UInt64
    ) {
        guard let pull = relays.pullsByTrunkID[frame.trackID], pull.upstream == peer else {
            metrics.drop(.unknownSSRC)  // a track no longer pulled from this peer (moved or released)
            return
        }
        let producer = pull.producer
        let layer = Int(frame.layer)
        guard producer.layers.indices.contains(layer), let header = try? RTPHeaderView(parsing: packet) else {
            metrics.drop(.malformed)
            return
        }
        guard header.payloadType == producer.payloadType else {
            metrics.drop(.unknownPayloadType)
            return
        }
        let payload = header.payload(in: packet)
        guard !payload.isEmpty else {
            metrics.drop(.paddingOnly)
            return
        }
        let ssrc = header.ssrc.rawValue
        if producer.layers[layer].ssrc != ssrc { producer.bindLayer(index: layer, ssrc: ssrc) }
        var info = incomingRTP(
            packet, header: header, payload: payload, producer: producer, audioLevelID: pull.track.rtp.extensions.audioLevel)
        info.originSendTime = frame.originSendTime
        info.hopCount = frame.hopCount
        pull.packetsReceived &+= 1
        _ = deliver(packet, info: info, to: producer, layer: layer, room: pull.key.room, nowNanoseconds: arrivalNanoseconds)
        if pull.packetsReceived & 7 == 0, let trunk {
            trunk.metrics.hopLatencySeries.observe(Double(clock.now &- arrivalNanoseconds) / 1_000_000_000)
        }
    }

    /// An RTCP data frame from the upstream node: the publisher's sender
    /// report of one layer, which the relayed producer keeps (and passes on
    /// to its own downstream nodes) as if its publisher had sent it here.
    func receiveRelayedRTCP(_ packet: UnsafeRawBufferPointer, header frame: TrunkDataHeader, from peer: MeshNodeID) {
        guard let pull = relays.pullsByTrunkID[frame.trackID], pull.upstream == peer else {
            metrics.drop(.unknownSSRC)
            return
        }
        guard pull.producer.layers.indices.contains(Int(frame.layer)), let report = try? SenderReport(parsing: packet) else {
            metrics.drop(.malformed)
            return
        }
        trunk?.metrics.senderReportsReceived.increment()
        pull.producer.senderReportReceived(
            layer: Int(frame.layer), ntpTime: report.ntpTime, rtpTime: report.rtpTime, nowNanoseconds: clock.now)
    }

    // MARK: helpers

    /// Seals and queues control messages for a peer (dropped while its trunk is down: they are repeated).
    func sendTrunkControl(_ messages: [TrunkControlMessage], to peer: MeshNodeID) {
        guard let trunk, let link = trunk.peers[peer], link.established else { return }
        guard let bytes = try? trunk.endpoint.seal(.control(messages), to: peer, now: TrunkTime.now()) else { return }
        trunk.send(bytes, to: link)
    }

    /// Header extensions of a producer's packets: its publisher's, or the origin's for a relayed track.
    func publisherExtensions(of producer: Producer) -> NegotiatedExtensions? {
        if let publisher = producer.feedback as? WebRTCTransport { return publisher.extensionIDs }
        if let pull = producer.feedback as? RelayPull { return pull.track.rtp.extensions }
        return nil
    }

    func metricsRelayedTracks() {
        trunk?.metrics.relayedTracks.set(Int64(relays.pulls.count + relays.sinks.count))
    }
}
