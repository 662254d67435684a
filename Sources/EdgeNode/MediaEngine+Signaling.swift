import DTLS
import SDP
import SFU

/// ICE and DTLS parameters of the remote side, read from its SDP.
struct RemoteTransportParameters {
    var ufrag: String
    var password: String
    var fingerprints: [DTLSFingerprint]
    /// Our DTLS role, derived from the remote `a=setup` (RFC 5763 §5).
    var localDTLSRole: DTLSRole
}

struct PublishResult: Sendable {
    var answerSDP: String
    var tracks: [PublishedTrack]
}

extension MediaEngine {
    /// A client offer on the publisher transport: answer it, and create a
    /// producer for every new audio/video section the client sends.
    func publish(room: RoomName, participant: ParticipantID, offerSDP: String) throws(NodeControlError) -> PublishResult {
        let transport = try transports(room: room, participant: participant).publisher
        let offer: SessionDescription
        do {
            offer = try SessionDescription(parsing: offerSDP)
        } catch {
            throw .sdpInvalid("\(error)")
        }
        let remote = try Negotiation.remoteParameters(of: offer)
        try applyRemoteTransportParameters(remote, to: transport)
        let answer: PublisherAnswer
        do {
            transport.answerVersion += 1
            answer = try Negotiation.publisherAnswerer.answer(
                to: offer,
                transport: Negotiation.transportParameters(
                    ufrag: transport.localUfrag, password: transport.localPassword, certificate: certificate,
                    candidates: candidates()),
                origin: Origin(sessionID: transport.sessionID, sessionVersion: transport.answerVersion))
        } catch {
            throw .sdpInvalid("\(error)")
        }
        var published: [PublishedTrack] = []
        guard let roomState = rooms[room] else { throw .unknownParticipant(room: room.rawValue, participant: participant.rawValue) }
        for media in answer.media {
            guard let received = Negotiation.receivedTrack(media) else { continue }
            transport.extensionIDs.merge(received.extensions)
            if transport.producersByMid[received.mid] != nil { continue }
            let producer = Producer(
                id: TrackID(RandomText.identifier(prefix: "TR_")), participant: participant, kind: received.kind,
                mid: received.mid, codec: received.codec, payloadType: received.payloadType,
                clockRate: received.clockRate, formatParameters: received.formatParameters,
                rids: received.rids, ssrcs: received.ssrcs)
            producer.feedback = transport
            transport.producersByMid[received.mid] = producer
            if received.rids.isEmpty, let ssrc = received.ssrcs.first {
                transport.inboundStreams[ssrc] = .init(producer: producer, layer: 0, isRTX: false)
            }
            for rtx in received.rtxSSRCs {
                transport.inboundStreams[rtx] = .init(producer: producer, layer: 0, isRTX: true)
            }
            roomState.add(producer)
            let track = PublishedTrack(
                id: producer.id, participant: participant, room: room, kind: producer.kind, mid: producer.mid,
                rids: received.rids, codec: producer.codec,
                rtp: TrackRTPParameters(
                    payloadType: received.payloadType, clockRate: received.clockRate,
                    formatParameters: received.formatParameters, rtxPayloadType: received.rtxPayloadType,
                    channels: received.channels, extensions: transport.extensionIDs),
                originNodeID: configuration.nodeID)
            published.append(track)
            events.publish(.trackPublished(track))
        }
        updateGauges()
        return PublishResult(answerSDP: answer.description.serialize(), tracks: published)
    }

    /// Adds consumers of `trackIDs` to a participant's subscriber transport.
    /// Returns true when a new server offer is needed.
    func subscribe(
        room: RoomName, participant: ParticipantID, trackIDs: [TrackID], quality: Quality
    ) throws(NodeControlError) -> Bool {
        let transport = try transports(room: room, participant: participant).subscriber
        guard let roomState = rooms[room] else { return false }
        var added = false
        let now = clock.now
        for id in trackIDs {
            guard let producer = roomState.producers[id] else { throw .unknownTrack(id.rawValue) }
            guard producer.participant != participant else { continue }
            if transport.consumersBySSRC.values.contains(where: { $0.producer === producer }) { continue }
            var ssrc: UInt32 = 0
            repeat { ssrc = UInt32.random(in: 0x1000...0xFFFF_FFF0) } while transport.consumersBySSRC[ssrc] != nil
            let consumer = Consumer(
                id: RandomText.identifier(prefix: "CO_"), subscriber: participant, producer: producer, sink: transport,
                ssrc: ssrc, quality: quality, initialSequence: UInt16.random(in: 0...0x7FFF),
                initialTimestamp: UInt32.random(in: 0...0x7FFF_FFFF))
            consumer.isReady = transport.isConnected
            if let extensions = publisherExtensions(of: producer) {
                consumer.extensionIDs = Negotiation.consumerExtensionMap(publisher: extensions)
            }
            transport.consumersBySSRC[ssrc] = consumer
            roomState.add(consumer, nowNanoseconds: now)
            added = true
        }
        updateGauges()
        return added
    }

    func unsubscribe(room: RoomName, participant: ParticipantID, trackIDs: [TrackID]) throws(NodeControlError) -> Bool {
        let transport = try transports(room: room, participant: participant).subscriber
        guard let roomState = rooms[room] else { return false }
        var removed = false
        for id in trackIDs {
            for consumer in transport.consumersBySSRC.values where consumer.producer.id == id {
                transport.consumersBySSRC[consumer.ssrc] = nil
                roomState.removeConsumer(consumer.id)
                removed = true
            }
        }
        updateGauges()
        return removed
    }

    func setQuality(room: RoomName, participant: ParticipantID, trackID: TrackID, quality: Quality) throws(NodeControlError) {
        let transport = try transports(room: room, participant: participant).subscriber
        guard let consumer = transport.consumersBySSRC.values.first(where: { $0.producer.id == trackID }) else {
            throw .unknownTrack(trackID.rawValue)
        }
        consumer.setQuality(quality, nowNanoseconds: clock.now)
    }

    /// The server offer for the subscriber transport: one sendonly section
    /// per consumer, in a stable mid order.
    func createSubscriberOffer(room: RoomName, participant: ParticipantID) throws(NodeControlError) -> String {
        let transport = try transports(room: room, participant: participant).subscriber
        let tracks = transport.consumersBySSRC.values.sorted { $0.id < $1.id }.map { consumer in
            OutgoingTrack(
                trackID: consumer.producer.id.rawValue, streamID: consumer.producer.participant.rawValue,
                kind: consumer.producer.kind == .audio ? .audio : .video,
                codec: Negotiation.outgoingCodec(of: consumer.producer), ssrc: consumer.ssrc,
                cname: "edgemesh-" + consumer.producer.participant.rawValue)
        }
        var offerer = transport.offerer ?? SubscriberOfferer(
            sessionID: transport.sessionID,
            transport: Negotiation.transportParameters(
                ufrag: transport.localUfrag, password: transport.localPassword, certificate: certificate,
                candidates: candidates()))
        do {
            let offer = try offerer.offer(for: tracks)
            transport.offerer = offerer
            transport.awaitingAnswer = true
            return offer.description.serialize()
        } catch {
            throw .sdpInvalid("server offer: \(error)")
        }
    }

    func setSubscriberAnswer(room: RoomName, participant: ParticipantID, answerSDP: String) throws(NodeControlError) {
        let transport = try transports(room: room, participant: participant).subscriber
        guard transport.awaitingAnswer else { throw .noAnswerExpected }
        let answer: SessionDescription
        do {
            answer = try SessionDescription(parsing: answerSDP)
        } catch {
            throw .sdpInvalid("\(error)")
        }
        let remote = try Negotiation.remoteParameters(of: answer)
        try applyRemoteTransportParameters(remote, to: transport)
        transport.awaitingAnswer = false
    }

    /// This node's ICE candidates: a UDP host candidate per address family,
    /// and the ICE-TCP passive host candidate (RFC 6544 §4.2, lower priority
    /// than UDP) when the TCP listener runs.
    func candidates() -> [ICECandidate] {
        var candidates = [ICECandidate.host(address: configuration.candidateAddress, port: UInt16(clamping: rtcPort))]
        if channelV6 != nil, let address = configuration.candidateAddressV6 {
            candidates.append(ICECandidate.host(address: address, port: UInt16(clamping: rtcPort), foundation: "3"))
        }
        if let tcpPort = rtcTCPPort {
            candidates.append(ICECandidate.host(
                address: configuration.candidateAddress, port: UInt16(clamping: tcpPort), transport: .tcp))
        }
        return candidates
    }
}

/// What the node receives in one answered section of a publisher offer.
struct ReceivedTrack {
    var mid: String
    var kind: SFU.MediaKind
    var codec: String
    var payloadType: UInt8
    var clockRate: UInt32
    var channels: UInt16?
    var formatParameters: String?
    var rids: [String]
    var ssrcs: [UInt32]
    var rtxSSRCs: [UInt32]
    var extensions: NegotiatedExtensions
    var rtxPayloadType: UInt8?
}
