import TrunkWire

/// A decrypted frame a peer hands to the node.
public enum TrunkInnerFrame: Sendable, Hashable {
    /// A media packet with its compact header.
    case data(TrunkDataFrame)
    /// Control messages for the node (ping and pong are answered inside the peer and not delivered).
    case control([TrunkControlMessage])
}

/// Why a datagram was dropped: the `reason` label of the drop counter.
public enum TrunkDropReason: String, Sendable, Hashable, CaseIterable {
    /// Failed to authenticate: bad tag or MAC, unknown key id, low-order key.
    case auth
    /// A counter already seen or behind the window, a stale handshake message.
    case replay
    /// The sender's credential is not valid now (expired or not yet valid).
    case expiredCredential = "expired_credential"
    /// Not a member of this mesh: unknown sender, or a credential another mesh key signed (or a bad signature).
    case unknownNode = "unknown_node"
    /// Does not parse.
    case malformed

    /// The Prometheus label value.
    public var metricLabel: String { rawValue }
}

/// The detail behind a drop, for logs (bounded set, no allocation).
public enum TrunkDropCause: Sendable, Hashable {
    case authenticationFailed, unknownKeyID, weakPublicKey, noCommonCipher
    case duplicateCounter, counterTooOld, staleHandshake, unexpectedResponse
    case credentialExpired, credentialNotYetValid, wrongMeshKey, badCredentialSignature
    case unknownSender, misdirected, senderMismatch, peerGone
    case wire(TrunkWireError)
}

/// What a trunk state machine asks the node to do or tells it happened.
public enum TrunkAction: Sendable, Hashable {
    /// Send these bytes to the peer's trunk address.
    case send([UInt8])
    /// An authenticated frame for the node.
    case deliver(TrunkInnerFrame)
    /// The trunk to the peer came up (first session confirmed).
    case established
    /// A new session took over from an older one (re-key); media was not interrupted.
    case rekeyed(keyID: UInt32)
    /// No authenticated packet for the configured timeout; the peer is
    /// considered gone (the handshake restarts by itself).
    case peerDown
    /// A ping round trip completed.
    case measurement(TrunkMeasurement)
    /// A datagram was discarded; count it by `reason`.
    case drop(TrunkDropReason, cause: TrunkDropCause)
}

/// Delay measured by one ping/pong exchange.
public struct TrunkMeasurement: Sendable, Hashable {
    /// Round-trip time on the local monotonic clock, µs.
    public var roundTripMicroseconds: UInt64
    /// Local → remote one-way delay from the two nodes' wall clocks, µs (may be
    /// off, even negative, by the clocks' offset).
    public var forwardOneWayMicroseconds: Int64
    /// Remote → local one-way delay from the two nodes' wall clocks, µs.
    public var reverseOneWayMicroseconds: Int64
    /// The peer's ping loss after this pong (`TrunkPingLoss.ratio`, 0...1).
    /// Loss also changes between pongs: `TrunkPeer.pingLoss` is always current.
    public var loss: Double

    public init(
        roundTripMicroseconds: UInt64, forwardOneWayMicroseconds: Int64, reverseOneWayMicroseconds: Int64,
        loss: Double = 0
    ) {
        self.roundTripMicroseconds = roundTripMicroseconds
        self.forwardOneWayMicroseconds = forwardOneWayMicroseconds
        self.reverseOneWayMicroseconds = reverseOneWayMicroseconds
        self.loss = loss
    }
}

/// Per-peer counters (monotonic totals since the peer was created).
public struct TrunkPeerStatistics: Sendable, Hashable {
    public var framesSent: UInt64 = 0
    public var bytesSent: UInt64 = 0
    public var framesReceived: UInt64 = 0
    public var bytesReceived: UInt64 = 0
    public var handshakesCompleted: UInt64 = 0
    /// Drops by reason.
    public var drops: [TrunkDropReason: UInt64] = [:]

    public init() {}
}

extension TrunkError {
    /// The drop a credential verification error stands for.
    var drop: (TrunkDropReason, TrunkDropCause) {
        switch self {
        case .credentialExpired: (.expiredCredential, .credentialExpired)
        case .credentialNotYetValid: (.expiredCredential, .credentialNotYetValid)
        case .credentialWrongMeshKey: (.unknownNode, .wrongMeshKey)
        case .credentialBadSignature: (.unknownNode, .badCredentialSignature)
        case .wire(let error): (.malformed, .wire(error))
        case .weakPublicKey: (.auth, .weakPublicKey)
        default: (.auth, .authenticationFailed)
        }
    }
}
