import DTLS
import SDP
import NIOCore
import RTP
import SFU
import SRTP
import STUN

/// One peer connection's transport on this node: ICE-lite, DTLS, SRTP, and
/// the negotiated RTP parameters. A participant has two, publisher (the client
/// sends) and subscriber (the node sends). Confined to the media event loop.
final class WebRTCTransport {
    enum Role: String, Sendable {
        case publisher
        case subscriber
    }

    enum State: Equatable {
        /// Created; waits for the SDP exchange.
        case new
        /// ICE credentials known; waits for a nominated binding request.
        case checking
        /// ICE nominated a path; DTLS handshake running.
        case handshaking
        /// SRTP keys in place; media flows.
        case connected
        case closed(reason: String)
    }

    let id: String
    let role: Role
    let room: RoomName
    let participant: ParticipantID
    let localUfrag: String
    let localPassword: String
    private(set) var state: State = .new

    var ice: ICELiteResponder<MediaPath>?
    var dtls: DTLSEndpoint?
    var srtpInbound: SRTPSession?
    var srtpOutbound: SRTPSession?
    /// The nominated path (RFC 8445: packets go where the last nominated
    /// binding request came from): a UDP address or an ICE-TCP connection.
    var remotePath: MediaPath?
    /// How the selected path reaches the client (metrics label).
    var pathKind: PathKind = .udp
    /// Header extension ids the remote side negotiated, by URI.
    var extensionIDs = NegotiatedExtensions()
    /// When the transport was created (for handshake timeouts).
    let createdNanoseconds: UInt64
    /// When the remote description arrived (ICE and DTLS could start).
    var negotiatedNanoseconds: UInt64?
    /// The engine that owns this transport (sends through it).
    weak var engine: MediaEngine?

    /// Publisher side: which producer and layer an incoming SSRC belongs to.
    var inboundStreams: [UInt32: InboundStream] = [:]
    /// Publisher side: producers by mid.
    var producersByMid: [String: Producer] = [:]
    /// Subscriber side: consumers by their SSRC.
    var consumersBySSRC: [UInt32: Consumer] = [:]
    /// Subscriber side: builds server offers with stable mids across renegotiations.
    var offerer: SubscriberOfferer?
    /// SDP session id and answer version (o= line) of this transport.
    let sessionID = UInt64.random(in: 1...(1 << 62))
    var answerVersion: UInt64 = 0
    /// DTLS records that arrived on the nominated path before the remote
    /// description (at most `earlyDTLSLimit`), handled once it is applied.
    var earlyDTLS: [[UInt8]] = []
    static let earlyDTLSLimit = 4
    /// Subscriber side: the last offer is waiting for its answer.
    var awaitingAnswer = false

    // Counters of this transport, reported in RTCP and stats.
    var packetsReceived: UInt64 = 0
    var packetsSent: UInt64 = 0
    var bytesSent: UInt64 = 0
    /// SRTP and SRTCP packets accepted (all kinds); plain counters on the
    /// packet path, added to the per-path metrics off it (`exportPathCounters`).
    var srtpReceived: UInt64 = 0
    /// What `exportPathCounters` has already added to the per-path metrics.
    var exported = ExportedCounters()

    struct ExportedCounters {
        var received: UInt64 = 0
        var sent: UInt64 = 0
        var bytes: UInt64 = 0
    }
    var lastSenderReportNanoseconds: UInt64 = 0

    struct InboundStream {
        unowned let producer: Producer
        let layer: Int
        /// Retransmission stream (RTX, RFC 4588) of `layer`.
        let isRTX: Bool
    }

    init(id: String, role: Role, room: RoomName, participant: ParticipantID, nowNanoseconds: UInt64) {
        self.id = id
        self.role = role
        self.room = room
        self.participant = participant
        self.localUfrag = RandomText.iceCharacters(count: 8)
        self.localPassword = RandomText.iceCharacters(count: 24)
        self.createdNanoseconds = nowNanoseconds
    }

    var isConnected: Bool { state == .connected }
    var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    func moveTo(_ newState: State) {
        guard !isClosed else { return }
        state = newState
    }

    /// Releases the crypto state; the transport stays closed.
    func close(reason: String) {
        guard !isClosed else { return }
        state = .closed(reason: reason)
        dtls = nil
        earlyDTLS = []
        srtpInbound = nil
        srtpOutbound = nil
    }
}

/// Header extension ids negotiated with the remote side (nil: not negotiated).
struct NegotiatedExtensions: Equatable {
    var mid: UInt8?
    var rid: UInt8?
    var repairedRid: UInt8?
    var audioLevel: UInt8?
    var absSendTime: UInt8?
    var transportWideCC: UInt8?

    /// Takes the ids another bundled section negotiated (BUNDLE shares one
    /// id space per transport, RFC 8843 §9.1: sections agree on ids).
    mutating func merge(_ other: NegotiatedExtensions) {
        mid = mid ?? other.mid
        rid = rid ?? other.rid
        repairedRid = repairedRid ?? other.repairedRid
        audioLevel = audioLevel ?? other.audioLevel
        absSendTime = absSendTime ?? other.absSendTime
        transportWideCC = transportWideCC ?? other.transportWideCC
    }
}

/// Random strings for ICE credentials and ids (RFC 8445 §5.3 ice-char set).
enum RandomText {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func iceCharacters(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for _ in 0..<count { bytes.append(alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func identifier(prefix: String) -> String {
        let chars = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var generator = SystemRandomNumberGenerator()
        var bytes = Array(prefix.utf8)
        for _ in 0..<12 { bytes.append(chars[Int(generator.next(upperBound: UInt32(chars.count)))]) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
