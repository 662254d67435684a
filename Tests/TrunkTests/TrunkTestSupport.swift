import Testing

@testable import Trunk

/// A fixed start time: monotonic 1 s, wall clock 2023-11-14T22:13:20Z.
let t0 = TrunkTime(monotonicNanoseconds: 1_000_000_000, unixMicroseconds: 1_700_000_000_000_000)

/// Node id from a literal (test input only).
func nodeID(_ text: String) -> MeshNodeID {
    guard let id = MeshNodeID(rawValue: text) else { preconditionFailure("bad node id in test: \(text)") }
    return id
}

/// Region id from a literal (test input only).
func regionID(_ text: String) -> MeshRegionID {
    guard let id = MeshRegionID(rawValue: text) else { preconditionFailure("bad region id in test: \(text)") }
    return id
}

/// A node identity in `mesh`, valid for `validity` seconds from `issuedAt` (default: a day from t0).
func makeIdentity(
    _ id: String, region: String = "eu-central", mesh: TrunkSigningKey, issuedAt: UInt64 = t0.unixSeconds,
    validity: UInt64 = 86_400
) throws -> MeshNodeIdentity {
    let key = TrunkX25519PrivateKey.generate()
    let credential = try MeshCredential.issue(
        nodeID: nodeID(id), regionID: regionID(region), staticKey: key.publicKey, issuedAt: issuedAt,
        validitySeconds: validity, signingKey: mesh)
    return try MeshNodeIdentity(credential: credential, staticKey: key, meshKey: mesh.verifyingKey)
}

/// Actions other than `.send`.
func events(_ actions: [TrunkAction]) -> [TrunkAction] {
    actions.filter { if case .send = $0 { false } else { true } }
}

/// The bytes of `.send` actions.
func sends(_ actions: [TrunkAction]) -> [[UInt8]] {
    actions.compactMap { if case .send(let bytes) = $0 { bytes } else { nil } }
}

/// Delivered data frames.
func deliveredData(_ actions: [TrunkAction]) -> [TrunkDataFrame] {
    actions.compactMap { if case .deliver(.data(let frame)) = $0 { frame } else { nil } }
}

/// Drop reasons.
func drops(_ actions: [TrunkAction]) -> [TrunkDropReason] {
    actions.compactMap { if case .drop(let reason, _) = $0 { reason } else { nil } }
}

/// Two peers joined by an in-memory link with a manual clock.
///
/// Datagrams sent by one side are queued for the other; `pump` delivers them
/// hop by hop (a hop delivers what was queued before it started), `lose`
/// decides which datagrams vanish. Non-send actions are recorded per side.
struct PeerPair {
    enum Side: Sendable { case a, b }

    var a: TrunkPeer
    var b: TrunkPeer
    var now = t0
    /// Queued datagrams: destination and bytes.
    var queue: [(to: Side, bytes: [UInt8])] = []
    /// Every datagram ever sent, with its sender.
    var wire: [(from: Side, bytes: [UInt8])] = []
    /// Non-send actions seen at each side.
    var seenA: [TrunkAction] = []
    var seenB: [TrunkAction] = []
    /// Returns true for datagrams to lose (checked at send time).
    var lose: @Sendable (Side, [UInt8]) -> Bool = { _, _ in false }

    init(_ idA: MeshNodeIdentity, _ idB: MeshNodeIdentity, configuration: TrunkConfiguration = .init()) throws {
        a = try TrunkPeer(local: idA, remote: idB.credential, configuration: configuration, now: t0)
        b = try TrunkPeer(local: idB, remote: idA.credential, configuration: configuration, now: t0)
    }

    /// Records `actions` produced at `side`: queues sends, keeps the rest.
    mutating func handle(_ actions: [TrunkAction], at side: Side) {
        for action in actions {
            if case .send(let bytes) = action {
                wire.append((side, bytes))
                if !lose(side, bytes) { queue.append((side == .a ? .b : .a, bytes)) }
            } else if side == .a {
                seenA.append(action)
            } else {
                seenB.append(action)
            }
        }
    }

    /// Delivers queued datagrams for up to `hops` hops (default: until quiet).
    mutating func pump(hops: Int = 100) {
        var hop = 0
        while !queue.isEmpty && hop < hops {
            let batch = queue
            queue.removeAll()
            for (to, bytes) in batch { deliver(bytes, to: to) }
            hop += 1
        }
    }

    /// Delivers one datagram now.
    mutating func deliver(_ bytes: [UInt8], to side: Side) {
        switch side {
        case .a: handle(a.receive(bytes, now: now), at: .a)
        case .b: handle(b.receive(bytes, now: now), at: .b)
        }
    }

    mutating func connect(_ side: Side) {
        switch side {
        case .a: handle(a.connect(now: now), at: .a)
        case .b: handle(b.connect(now: now), at: .b)
        }
    }

    /// Advances the clock and ticks both peers.
    mutating func advance(_ duration: Duration) {
        now = now.advanced(by: duration)
        handle(a.tick(now: now), at: .a)
        handle(b.tick(now: now), at: .b)
    }

    /// Seals a data frame at `side` and queues it.
    mutating func send(_ frame: TrunkDataFrame, from side: Side) throws {
        let bytes: [UInt8]
        switch side {
        case .a: bytes = try a.seal(.data(frame), now: now)
        case .b: bytes = try b.seal(.data(frame), now: now)
        }
        handle([.send(bytes)], at: side)
    }

    /// Establishes the trunk with `side` connecting first.
    mutating func establish(from side: Side = .a) {
        connect(side)
        pump()
    }
}

/// A data frame with a recognisable payload.
func dataFrame(track: UInt32 = 7, sequence: Int, size: Int = 100) -> TrunkDataFrame {
    TrunkDataFrame(
        header: TrunkDataHeader(trackID: track, layer: 1, hopCount: 1, originSendTime: 1_700_000_000_000_000 + UInt64(sequence)),
        payload: (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ sequence) })
}
