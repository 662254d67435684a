import DTLS
import NIOCore
import SFU
import STUN

/// Errors the control API reports to the backend.
enum NodeControlError: Error, CustomStringConvertible {
    case unknownParticipant(room: String, participant: String)
    case unknownTrack(String)
    case sdpInvalid(String)
    case noAnswerExpected
    case dtls(String)
    /// A PullTrack with a track message the node cannot relay.
    case invalidTrack(String)
    /// Trunk calls on a node started without `MESH_CREDENTIAL`.
    case trunksDisabled
    /// A PullTrack naming a node this node has no trunk peer for.
    case unknownPeer(String)

    var description: String {
        switch self {
        case .unknownParticipant(let room, let participant): "no participant \(participant) in room \(room) on this node"
        case .unknownTrack(let id): "no track \(id) on this node"
        case .sdpInvalid(let reason): "invalid SDP: \(reason)"
        case .noAnswerExpected: "no server offer is waiting for an answer"
        case .dtls(let reason): "DTLS: \(reason)"
        case .invalidTrack(let reason): "invalid track: \(reason)"
        case .trunksDisabled: "this node has no trunks (started without MESH_CREDENTIAL)"
        case .unknownPeer(let id): "no trunk peer \(id) (not in the registry, or its credential does not verify)"
        }
    }
}

struct NodeStatsSnapshot: Sendable {
    var participants = 0
    var transports = 0
    var producers = 0
    var consumers = 0
    var trunks: [TrunkStatsSnapshot] = []
    var relayedTracks = 0
    var trunkDrops: [String: UInt64] = [:]
}

extension MediaEngine {
    // MARK: participants

    func createParticipant(room: RoomName, participant: ParticipantID) {
        let key = ParticipantKey(room: room, participant: participant)
        if let existing = participants[key] {
            closeParticipant(existing, key: key)
        }
        let now = clock.now
        let publisher = WebRTCTransport(
            id: RandomText.identifier(prefix: "PT_"), role: .publisher, room: room, participant: participant,
            nowNanoseconds: now)
        let subscriber = WebRTCTransport(
            id: RandomText.identifier(prefix: "ST_"), role: .subscriber, room: room, participant: participant,
            nowNanoseconds: now)
        for transport in [publisher, subscriber] {
            transport.engine = self
            transportsByUfrag[transport.localUfrag] = transport
        }
        participants[key] = ParticipantTransports(publisher: publisher, subscriber: subscriber, reportPhase: nextReportPhase)
        nextReportPhase = (nextReportPhase + 1) % Self.reportPhases
        if rooms[room] == nil { rooms[room] = Room(name: room) }
        updateGauges()
    }

    func closeParticipant(room: RoomName, participant: ParticipantID) {
        let key = ParticipantKey(room: room, participant: participant)
        guard let transports = participants[key] else { return }
        closeParticipant(transports, key: key)
    }

    private func closeParticipant(_ transports: ParticipantTransports, key: ParticipantKey) {
        participants[key] = nil
        for transport in [transports.publisher, transports.subscriber] {
            forget(transport)
            transport.close(reason: "participant closed")
        }
        if let room = rooms[key.room] {
            for producer in room.producers(of: key.participant) {
                for consumer in room.removeProducer(producer.id) {
                    detachConsumer(consumer)
                }
            }
            for consumer in room.consumers(of: key.participant) {
                room.removeConsumer(consumer.id)
            }
            if room.isEmpty, !participants.keys.contains(where: { $0.room == key.room }) {
                rooms[key.room] = nil
            }
        }
        updateGauges()
    }

    /// Removes a consumer from its subscriber transport's maps (its producer closed).
    func detachConsumer(_ consumer: Consumer) {
        (consumer.sink as? WebRTCTransport)?.consumersBySSRC[consumer.ssrc] = nil
    }

    func transports(room: RoomName, participant: ParticipantID) throws(NodeControlError) -> ParticipantTransports {
        guard let transports = participants[ParticipantKey(room: room, participant: participant)] else {
            throw .unknownParticipant(room: room.rawValue, participant: participant.rawValue)
        }
        return transports
    }

    // MARK: transport lifecycle

    private func forget(_ transport: WebRTCTransport) {
        exportPathCounters(transport)
        transportsByUfrag[transport.localUfrag] = nil
        if let path = transport.remotePath { release(path, of: transport) }
    }

    func failTransport(_ transport: WebRTCTransport, reason: String) {
        guard !transport.isClosed else { return }
        metrics.transportsFailed.increment()
        logger.info("transport failed", metadata: ["transport": "\(transport.id)", "reason": "\(reason)"])
        events.publish(.transportFailed(
            room: transport.room, participant: transport.participant, role: transport.role, reason: reason))
        closeTransport(transport, reason: reason)
    }

    func closeTransport(_ transport: WebRTCTransport, reason: String) {
        forget(transport)
        transport.close(reason: reason)
        if transport.role == .subscriber {
            for consumer in transport.consumersBySSRC.values { consumer.isReady = false }
        }
    }

    func updateGauges() {
        metrics.participants.set(Int64(participants.count))
        metrics.transports.set(Int64(participants.count * 2))
        metrics.producers.set(Int64(rooms.values.reduce(0) { $0 + $1.producers.count }))
        metrics.consumers.set(Int64(rooms.values.reduce(0) { $0 + $1.consumers.count }))
    }

    func stats() -> NodeStatsSnapshot {
        NodeStatsSnapshot(
            participants: participants.count,
            transports: participants.count * 2,
            producers: rooms.values.reduce(0) { $0 + $1.producers.count },
            consumers: rooms.values.reduce(0) { $0 + $1.consumers.count },
            trunks: trunk?.statsSnapshot() ?? [], relayedTracks: relays.count,
            trunkDrops: trunk?.metrics.dropCounts() ?? [:])
    }

    // MARK: ICE and DTLS set-up from a remote description

    /// Applies the remote ICE credentials and DTLS parameters of an offer or
    /// answer to a transport (first negotiation only; later ones keep them).
    /// A client may nominate a path before its answer reaches the node (it
    /// checks as soon as it has the server offer): the handshake then starts
    /// here, with any DTLS records that arrived early.
    func applyRemoteTransportParameters(_ remote: RemoteTransportParameters, to transport: WebRTCTransport) throws(NodeControlError) {
        guard transport.dtls == nil, !transport.isClosed else { return }
        if transport.ice == nil {
            transport.ice = makeICEResponder(for: transport, remoteUfrag: remote.ufrag)
        } else {
            transport.ice?.setRemoteCredentials(ufrag: remote.ufrag, password: nil)
        }
        let dtls: DTLSEndpoint
        do {
            var dtlsConfiguration = DTLSEndpoint.Configuration()
            dtlsConfiguration.mtu = configuration.mtu
            dtls = try dtlsContext.makeEndpoint(
                role: remote.localDTLSRole, expectedPeerFingerprints: remote.fingerprints,
                configuration: dtlsConfiguration)
        } catch {
            throw .dtls("\(error)")
        }
        transport.dtls = dtls
        transport.negotiatedNanoseconds = clock.now
        transport.moveTo(.checking)
        guard let path = transport.remotePath else { return }
        startHandshake(transport, dtls: dtls, path: path)
        let early = transport.earlyDTLS
        transport.earlyDTLS = []
        for datagram in early {
            datagram.withUnsafeBytes { receiveDTLS($0, path: path, transport: transport) }
        }
    }

    /// The ICE-lite responder of `transport`; `remoteUfrag` nil accepts any
    /// remote ufrag until the remote description names it.
    func makeICEResponder(for transport: WebRTCTransport, remoteUfrag: String?) -> ICELiteResponder<MediaPath> {
        var iceConfiguration = ICELiteResponder<MediaPath>.Configuration()
        iceConfiguration.consentTimeout = .seconds(configuration.consentTimeoutSeconds)
        return ICELiteResponder<MediaPath>(
            localUfrag: transport.localUfrag, localPassword: transport.localPassword,
            remoteUfrag: remoteUfrag, configuration: iceConfiguration)
    }
}
