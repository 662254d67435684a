import TrunkWire

/// An action of one peer, as an endpoint reports it.
public struct TrunkEvent: Sendable, Hashable {
    /// The remote node concerned; nil for a datagram no peer could be found for.
    public var peer: MeshNodeID?
    /// What to do or what happened.
    public var action: TrunkAction

    public init(peer: MeshNodeID?, action: TrunkAction) {
        self.peer = peer
        self.action = action
    }
}

/// All trunks of one node: routes datagrams to peers by the sender tag in the
/// frame header, and admits nodes it was not told about when their handshake
/// init carries a credential signed by the mesh key (configurable).
///
/// Like `TrunkPeer` this is a pure state machine: the node passes datagrams,
/// frames and ticks with the time and carries out the returned events. The
/// node maps node ids to UDP addresses itself (from the registry, updated from
/// the source address of datagrams that produced no drop).
public struct TrunkEndpoint: Sendable {
    /// This node.
    public let local: MeshNodeIdentity
    /// Settings every peer gets.
    public let configuration: TrunkConfiguration
    /// Drops of datagrams that could not be attributed to a peer, by reason.
    public private(set) var unattributedDrops: [TrunkDropReason: UInt64] = [:]

    var peers: [TrunkNodeTag: TrunkPeer] = [:]
    var tags: [MeshNodeID: TrunkNodeTag] = [:]

    public init(local: MeshNodeIdentity, configuration: TrunkConfiguration = .init()) {
        self.local = local
        self.configuration = configuration
    }

    /// The node ids of all peers.
    public var peerIDs: [MeshNodeID] { tags.keys.sorted() }

    /// A snapshot of one peer (state, statistics, credential).
    public func peer(_ id: MeshNodeID) -> TrunkPeer? { tags[id].flatMap { peers[$0] } }

    /// Adds a peer known from the registry and starts its handshake; for a
    /// peer that exists, replaces its credential if this one differs.
    /// - Throws: credential errors (`.credentialWrongMeshKey`, `.credentialExpired`, ...).
    public mutating func addPeer(_ credential: MeshCredential, now: TrunkTime) throws(TrunkError) -> [TrunkEvent] {
        let tag = credential.nodeTag
        if peers[tag] != nil {
            if peers[tag]?.remote != credential { try peers[tag]?.updateRemoteCredential(credential, now: now) }
            return wrap(peers[tag]?.connect(now: now) ?? [], credential.nodeID)
        }
        var peer = try TrunkPeer(local: local, remote: credential, configuration: configuration, now: now)
        let actions = peer.connect(now: now)
        peers[tag] = peer
        tags[credential.nodeID] = tag
        return wrap(actions, credential.nodeID)
    }

    /// Forgets a peer (e.g. its registry lease expired).
    public mutating func removePeer(_ id: MeshNodeID) {
        guard let tag = tags.removeValue(forKey: id) else { return }
        peers[tag] = nil
    }

    /// Processes one datagram received on the trunk port.
    public mutating func receive(_ datagram: [UInt8], now: TrunkTime) -> [TrunkEvent] {
        datagram.withUnsafeBytes { receive($0, now: now) }
    }

    /// Processes one datagram received on the trunk port.
    public mutating func receive(_ datagram: UnsafeRawBufferPointer, now: TrunkTime) -> [TrunkEvent] {
        let header: TrunkFrameHeader
        do {
            header = try TrunkFrameHeader(parsing: datagram)
        } catch {
            return unattributed(.malformed, .wire(error))
        }
        if let actions = peers[header.sender]?.receive(datagram, now: now), let id = peers[header.sender]?.remoteNodeID {
            return wrap(actions, id)
        }
        guard header.type == .handshakeInit, configuration.acceptUnknownNodes else {
            return unattributed(.unknownNode, .unknownSender)
        }
        return admit(header, datagram, now: now)
    }

    /// Seals a frame for a peer.
    /// - Throws: `.unknownPeer`, or what `TrunkPeer.seal` throws.
    public mutating func seal(_ frame: TrunkInnerFrame, to id: MeshNodeID, now: TrunkTime) throws(TrunkError) -> [UInt8] {
        guard let tag = tags[id], let result = peers[tag]?.sealResult(frame, now: now) else { throw .unknownPeer(id.rawValue) }
        return try result.get()
    }

    /// Seals a data frame for a peer into `output` without allocating; returns the datagram length.
    public mutating func sealData(
        _ header: TrunkDataHeader, payload: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        to id: MeshNodeID, now: TrunkTime
    ) throws(TrunkError) -> Int {
        guard let tag = tags[id],
            let result = peers[tag]?.sealDataResult(header, payload: payload, into: output, now: now)
        else { throw .unknownPeer(id.rawValue) }
        return try result.get()
    }

    /// Runs every peer's timers.
    public mutating func tick(now: TrunkTime) -> [TrunkEvent] {
        var events: [TrunkEvent] = []
        for tag in peers.keys.sorted() {
            guard let actions = peers[tag]?.tick(now: now), let id = peers[tag]?.remoteNodeID else { continue }
            events += wrap(actions, id)
        }
        return events
    }

    // MARK: Private

    /// An init from a node without a peer: admit it if its credential verifies.
    private mutating func admit(_ header: TrunkFrameHeader, _ datagram: UnsafeRawBufferPointer, now: TrunkTime)
        -> [TrunkEvent]
    {
        let credential: MeshCredential
        do {
            let message = try TrunkHandshakeInit(parsing: datagram)
            credential = try MeshCredential(parsing: message.credential)
        } catch {
            return unattributed(.malformed, .wire(error))
        }
        guard credential.nodeTag == header.sender else { return unattributed(.unknownNode, .senderMismatch) }
        var peer: TrunkPeer
        do {
            peer = try TrunkPeer(local: local, remote: credential, configuration: configuration, now: now)
        } catch {
            let (reason, cause) = error.drop
            return unattributed(reason, cause)
        }
        let actions = peer.receive(datagram, now: now)
        // Keep state only for a node that authenticated (its init MAC verified).
        guard peer.unconfirmed != nil else {
            for case .drop(let reason, _) in actions { unattributedDrops[reason, default: 0] &+= 1 }
            return wrap(actions, nil)
        }
        peers[header.sender] = peer
        tags[credential.nodeID] = header.sender
        return wrap(actions, credential.nodeID)
    }

    private mutating func unattributed(_ reason: TrunkDropReason, _ cause: TrunkDropCause) -> [TrunkEvent] {
        unattributedDrops[reason, default: 0] &+= 1
        return [TrunkEvent(peer: nil, action: .drop(reason, cause: cause))]
    }

    private func wrap(_ actions: [TrunkAction], _ id: MeshNodeID?) -> [TrunkEvent] {
        actions.map { TrunkEvent(peer: id, action: $0) }
    }
}

extension TrunkPeer {
    mutating func sealResult(_ frame: TrunkInnerFrame, now: TrunkTime) -> Result<[UInt8], TrunkError> {
        do throws(TrunkError) { return .success(try seal(frame, now: now)) } catch { return .failure(error) }
    }

    mutating func sealDataResult(
        _ header: TrunkDataHeader, payload: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        now: TrunkTime
    ) -> Result<Int, TrunkError> {
        do throws(TrunkError) {
            return .success(try sealData(header, payload: payload, into: output, now: now))
        } catch {
            return .failure(error)
        }
    }
}
