import TrunkWire

/// Where a peer's trunk stands.
public enum TrunkPeerState: Sendable, Hashable {
    /// No session and no handshake running (before `connect`, or the remote credential expired).
    case idle
    /// A handshake is running (or we answered one and wait for the first frame).
    case connecting
    /// A session is established.
    case established
}

/// The trunk to one remote node: a pure state machine (docs/trunk-protocol.md §7).
///
/// It never reads a clock or touches a socket: the node feeds it datagrams
/// (`receive`), frames to send (`seal`) and timer ticks (`tick`, every 50–100 ms
/// is plenty), each with the time, and carries out the returned `TrunkAction`s
/// in order. It holds up to three sessions: `current` (seals and opens),
/// `previous` (still opens, for `previousKeyGrace` after a re-key) and an
/// `unconfirmed` one a responder keeps until the initiator's first frame under
/// it arrives; plus at most one outstanding init of its own.
///
/// Either side may start a handshake (at `connect`, after `peerDown`, or to
/// re-key); when two inits cross, the one from the lower node id wins and the
/// other side answers it instead of its own. The value is `Sendable`; confine
/// each peer to one event loop.
public struct TrunkPeer: Sendable {
    /// This node.
    public let local: MeshNodeIdentity
    /// The remote node's credential (updated when its init carries a newer valid one).
    public internal(set) var remote: MeshCredential
    /// The tag the remote node's frames carry.
    public let remoteTag: TrunkNodeTag
    /// Timers and budgets.
    public let configuration: TrunkConfiguration
    /// Counters since creation.
    public internal(set) var statistics = TrunkPeerStatistics()

    var remoteStatic: TrunkX25519PublicKey
    var current: TrunkSession?
    var previous: TrunkSession?
    var unconfirmed: TrunkSession?
    var pending: TrunkHandshakeCrypto.Pending?
    var wantsConnection = false
    var isUp = false
    var rekeyRequested = false
    var lastAuthenticatedAt: UInt64 = 0
    var lastInitTimestampSent: UInt64 = 0
    var lastInitTimestampSeen: UInt64 = 0
    var answered: AnsweredInit?
    var lastPingAt: UInt64 = 0
    var pingSequence: UInt32 = 0
    /// Pings waiting for their pong and the recent ping loss.
    public internal(set) var pingLoss = TrunkPingLoss()

    struct AnsweredInit: Sendable {
        let initBytes: [UInt8]
        let response: [UInt8]
    }

    /// A peer for `remote`, whose credential must verify against `local`'s mesh key and be valid at `now`.
    public init(local: MeshNodeIdentity, remote: MeshCredential, configuration: TrunkConfiguration = .init(), now: TrunkTime)
        throws(TrunkError)
    {
        try remote.verify(
            meshKey: local.meshKey, nowUnixSeconds: now.unixSeconds,
            clockSkewSeconds: configuration.credentialClockSkewSeconds)
        guard remote.nodeID != local.nodeID else { throw .credentialInvalid(reason: "a node cannot trunk to itself") }
        self.local = local
        self.remote = remote
        self.remoteTag = remote.nodeTag
        self.remoteStatic = try remote.staticKey()
        self.configuration = configuration
    }

    /// The remote node id.
    public var remoteNodeID: MeshNodeID { remote.nodeID }

    /// Where the trunk stands.
    public var state: TrunkPeerState {
        if isUp { return .established }
        return pending != nil || unconfirmed != nil || wantsConnection ? .connecting : .idle
    }

    /// The key id and cipher frames are sealed with now, nil before establishment.
    public var currentSession: (keyID: UInt32, cipher: TrunkCipher)? {
        current.map { ($0.keyID, $0.cipher) }
    }

    /// Whether this node's init wins when inits cross (lower node id).
    var winsCrossedInits: Bool { local.nodeID < remote.nodeID }

    /// Starts the trunk: sends an init unless a session or handshake exists.
    /// From now on the peer keeps the trunk up (re-handshaking after `peerDown`).
    public mutating func connect(now: TrunkTime) -> [TrunkAction] {
        wantsConnection = true
        guard current == nil, pending == nil, unconfirmed == nil else { return [] }
        return startHandshake(now: now)
    }

    /// Replaces the remote credential (e.g. a renewed one from the registry); it must verify and be valid.
    public mutating func updateRemoteCredential(_ credential: MeshCredential, now: TrunkTime) throws(TrunkError) {
        try credential.verify(
            meshKey: local.meshKey, nowUnixSeconds: now.unixSeconds,
            clockSkewSeconds: configuration.credentialClockSkewSeconds)
        guard credential.nodeID == remote.nodeID else {
            throw .credentialInvalid(reason: "credential of \(credential.nodeID) for peer \(remote.nodeID)")
        }
        remoteStatic = try credential.staticKey()
        remote = credential
    }

    // MARK: Sealing

    /// Seals `frame` under the current session.
    /// - Throws: `.sessionNotEstablished` before the trunk is up, `.keyExhausted`
    ///   past `rejectAfterPackets`, `.wire` for a frame that cannot be encoded.
    public mutating func seal(_ frame: TrunkInnerFrame, now: TrunkTime) throws(TrunkError) -> [UInt8] {
        let (type, size): (TrunkFrameType, Int) =
            switch frame {
            case .data(let data): (.data, data.marshalSize)
            case .control(let messages): (.control, TrunkControlMessage.marshalSize(messages))
            }
        var failure: TrunkError?
        let bytes = [UInt8](
            unsafeUninitializedCapacity: TrunkFrameHeader.size + size + TrunkCipher.tagByteCount
        ) { buffer, count in
            let out = UnsafeMutableRawBufferPointer(buffer)
            do throws(TrunkError) {
                count = try sealFrame(type: type, plaintextCount: size, into: out) { (body) throws(TrunkWireError) in
                    switch frame {
                    case .data(let data): try data.write(into: body)
                    case .control(let messages): try TrunkControlMessage.write(messages, into: body)
                    }
                }
            } catch {
                failure = error
                count = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Seals a data frame straight into `output` without allocating: the
    /// compact header and `payload` (e.g. an RTP packet in the node's buffer).
    /// - Returns: the datagram length, `TrunkPeer.sealedDataSize(payloadCount:)`.
    public mutating func sealData(
        _ header: TrunkDataHeader, payload: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        now: TrunkTime
    ) throws(TrunkError) -> Int {
        try sealFrame(type: .data, plaintextCount: TrunkDataHeader.size + payload.count, into: output) {
            (body) throws(TrunkWireError) in
            try header.write(into: body)
            UnsafeMutableRawBufferPointer(rebasing: body[TrunkDataHeader.size...]).copyMemory(from: payload)
            return TrunkDataHeader.size + payload.count
        }
    }

    /// Datagram length of a data frame carrying `payloadCount` media bytes (payload + 56).
    public static func sealedDataSize(payloadCount: Int) -> Int {
        TrunkFrameHeader.size + TrunkDataHeader.size + payloadCount + TrunkCipher.tagByteCount
    }

    mutating func sealFrame(
        type: TrunkFrameType, plaintextCount: Int, into output: UnsafeMutableRawBufferPointer,
        write: (UnsafeMutableRawBufferPointer) throws(TrunkWireError) -> Int
    ) throws(TrunkError) -> Int {
        guard current != nil else { throw .sessionNotEstablished }
        let sender = local.tag
        let limit = configuration.rejectAfterPackets
        // Sealing in place through optional chaining keeps the session's storage unique (no copy).
        let result: Result<Int, TrunkError>? = current?.sealResult(
            type: type, sender: sender, plaintextCount: plaintextCount, into: output, limit: limit, write: write)
        guard let result else { throw .sessionNotEstablished }
        let written = try result.get()
        if let sealed = current?.framesSealed, sealed >= configuration.rekeyAfterPackets { rekeyRequested = true }
        statistics.framesSent &+= 1
        statistics.bytesSent &+= UInt64(written)
        return written
    }

    // MARK: Helpers shared by receive and tick

    mutating func dropped(_ reason: TrunkDropReason, _ cause: TrunkDropCause) -> [TrunkAction] {
        statistics.drops[reason, default: 0] &+= 1
        return [.drop(reason, cause: cause)]
    }

    /// Makes `session` the current one; the old current stays as `previous` for the grace period.
    mutating func install(_ session: TrunkSession, now: TrunkTime) -> [TrunkAction] {
        if var old = current {
            old.retiredAt = now.monotonicNanoseconds
            previous = old
        }
        current = session
        statistics.handshakesCompleted &+= 1
        lastAuthenticatedAt = now.monotonicNanoseconds
        rekeyRequested = false
        if isUp { return [.rekeyed(keyID: session.keyID)] }
        isUp = true
        wantsConnection = true
        lastPingAt = now.monotonicNanoseconds
        return [.established]
    }
}

extension TrunkSession {
    mutating func sealResult(
        type: TrunkFrameType, sender: TrunkNodeTag, plaintextCount: Int, into output: UnsafeMutableRawBufferPointer,
        limit: UInt64, write: (UnsafeMutableRawBufferPointer) throws(TrunkWireError) -> Int
    ) -> Result<Int, TrunkError> {
        do throws(TrunkError) {
            return .success(
                try seal(
                    type: type, sender: sender, plaintextCount: plaintextCount, into: output, limit: limit,
                    writePlaintext: write))
        } catch {
            return .failure(error)
        }
    }
}
