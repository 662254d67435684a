/// One `m=` section (RFC 8866 §5.14) with its lines and attributes.
///
/// ```
/// m=<media> <port>[/<number of ports>] <proto> <fmt> ...
/// ```
///
/// `rtpMaps`, `formatParameters` and `rtcpFeedback` are kept as flat lists in
/// the order of the payload types on the `m=` line (then any for payload types
/// not on it); ``codecs`` joins them into one value per payload type.
public struct MediaDescription: Sendable, Hashable {
    /// `<media>`: audio, video, application, ...
    public var kind: MediaKind
    /// `<port>`; 0 rejects the section (RFC 3264 §6), 9 is the JSEP
    /// placeholder (RFC 8829 §5.2.1).
    public var port: UInt16
    /// `/<number of ports>` when present.
    public var numberOfPorts: UInt16?
    /// `<proto>`, e.g. `UDP/TLS/RTP/SAVPF` or `UDP/DTLS/SCTP`.
    public var proto: String
    /// `<fmt>` tokens as written: payload type numbers for RTP protocols,
    /// `webrtc-datachannel` for SCTP.
    public var formats: [String]

    /// `i=` (RFC 8866 §5.4).
    public var information: String?
    /// `c=` lines (RFC 8866 §5.7).
    public var connections: [ConnectionData]
    /// `b=` lines (RFC 8866 §5.8).
    public var bandwidths: [Bandwidth]
    /// `k=` (obsolete), verbatim.
    public var encryptionKey: String?

    /// `a=mid:` (RFC 5888 §4).
    public var mid: String?
    /// `a=sendrecv|sendonly|recvonly|inactive` (RFC 8866 §6.7); `nil` when absent
    /// (which means sendrecv, or the session-level direction).
    public var direction: Direction?
    /// `a=msid:` lines (RFC 8830 §2).
    public var msids: [MediaStreamID]
    /// `a=rtcp:` (RFC 3605).
    public var rtcp: RTCPAddress?
    /// `a=rtcp-mux` (RFC 5761 §5.1.1).
    public var rtcpMux: Bool
    /// `a=rtcp-rsize` (RFC 5506 §5).
    public var rtcpReducedSize: Bool
    /// `a=rtpmap:` lines (RFC 8866 §6.6).
    public var rtpMaps: [RTPMap]
    /// `a=fmtp:` lines with a payload type (RFC 8866 §6.15).
    public var formatParameters: [FormatParameters]
    /// `a=rtcp-fb:` lines (RFC 4585 §4.2).
    public var rtcpFeedback: [RTCPFeedback]
    /// `a=extmap:` lines (RFC 8285 §5).
    public var extensions: [ExtensionMap]
    /// `a=extmap-allow-mixed` (RFC 8285 §6).
    public var extmapAllowMixed: Bool
    /// `a=ssrc-group:` lines (RFC 5576 §4.2).
    public var ssrcGroups: [SSRCGroup]
    /// `a=ssrc:` lines (RFC 5576 §4.1).
    public var ssrcs: [SSRCAttribute]
    /// `a=rid:` lines (RFC 8851).
    public var rids: [RID]
    /// `a=simulcast:` (RFC 8853).
    public var simulcast: Simulcast?
    /// `a=candidate:` lines (RFC 8839 §5.1).
    public var candidates: [ICECandidate]
    /// `a=end-of-candidates` (RFC 8840 §8.2).
    public var endOfCandidates: Bool
    /// `a=ice-ufrag:` / `a=ice-pwd:` (RFC 8839 §5.4).
    public var iceUfrag: String?
    public var icePwd: String?
    /// `a=ice-options:` tokens (RFC 8839 §5.6).
    public var iceOptions: [String]
    /// `a=ice-lite` (session-level by RFC 8839; accepted here too).
    public var iceLite: Bool
    /// `a=fingerprint:` lines (RFC 8122 §5); aiortc sends three.
    public var fingerprints: [Fingerprint]
    /// `a=setup:` (RFC 4145 §4).
    public var setup: SetupRole?
    /// `a=bundle-only` (RFC 9143 §6): a port-0 section that is not rejected.
    public var bundleOnly: Bool
    /// Any other attribute, in order.
    public var attributes: [Attribute]

    public init(kind: MediaKind, port: UInt16, proto: String, formats: [String]) {
        self.kind = kind
        self.port = port
        self.numberOfPorts = nil
        self.proto = proto
        self.formats = formats
        self.information = nil
        self.connections = []
        self.bandwidths = []
        self.encryptionKey = nil
        self.mid = nil
        self.direction = nil
        self.msids = []
        self.rtcp = nil
        self.rtcpMux = false
        self.rtcpReducedSize = false
        self.rtpMaps = []
        self.formatParameters = []
        self.rtcpFeedback = []
        self.extensions = []
        self.extmapAllowMixed = false
        self.ssrcGroups = []
        self.ssrcs = []
        self.rids = []
        self.simulcast = nil
        self.candidates = []
        self.endOfCandidates = false
        self.iceUfrag = nil
        self.icePwd = nil
        self.iceOptions = []
        self.iceLite = false
        self.fingerprints = []
        self.setup = nil
        self.bundleOnly = false
        self.attributes = []
    }

    /// Whether `<proto>` is an RTP profile (its formats are payload types).
    public var isRTP: Bool {
        MediaDescription.isRTPProto(proto)
    }

    static func isRTPProto(_ proto: String) -> Bool {
        Lex.split(proto, on: "/").contains { Lex.sameIgnoringCase($0, "RTP") }
    }

    /// The payload types of the `m=` line (for RTP sections), in order.
    public var payloadTypes: [UInt8] {
        formats.compactMap { Lex.unsigned($0, as: UInt8.self) }
    }

    /// Whether the section was rejected (port 0 without `a=bundle-only`).
    public var isRejected: Bool {
        port == 0 && !bundleOnly
    }
}

/// The `<media>` field of an `m=` line. Open-ended: unknown media types are
/// kept as written.
public struct MediaKind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let audio = MediaKind(rawValue: "audio")
    public static let video = MediaKind(rawValue: "video")
    public static let application = MediaKind(rawValue: "application")

    public var description: String { rawValue }
}

/// A stream direction (RFC 8866 §6.7; RFC 3264 §6.1 for how answers invert it).
public enum Direction: String, Sendable, Hashable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive

    /// The direction an answerer writes to accept this offered direction
    /// fully: sendonly ↔ recvonly, the others unchanged (RFC 3264 §6.1).
    public var reversed: Direction {
        switch self {
        case .sendonly: return .recvonly
        case .recvonly: return .sendonly
        case .sendrecv, .inactive: return self
        }
    }

    /// Whether the side that wrote this direction sends media.
    public var sends: Bool { self == .sendrecv || self == .sendonly }
    /// Whether the side that wrote this direction receives media.
    public var receives: Bool { self == .sendrecv || self == .recvonly }
}

/// `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]` (RFC 3605 §2.1).
public struct RTCPAddress: Sendable, Hashable {
    public var port: UInt16
    public var connection: ConnectionData?

    public init(port: UInt16, connection: ConnectionData? = nil) {
        self.port = port
        self.connection = connection
    }
}
