/// `a=extmap:` (RFC 8285 §8):
///
/// ```
/// extmap              = mapentry SP extensionname [SP extensionattributes]
/// mapentry            = "extmap:" 1*5DIGIT ["/" direction]
/// direction           = "sendonly" / "recvonly" / "sendrecv" / "inactive"
/// a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
/// a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:ssrc-audio-level
/// ```
public struct ExtensionMap: Sendable, Hashable {
    /// The local identifier: 1–14 for one-byte headers, up to 255 with
    /// two-byte headers (RFC 8285 §4).
    public var id: UInt16
    /// Optional direction of the mapping.
    public var direction: Direction?
    /// The extension's URI, e.g. ``HeaderExtensionURI/mid``.
    public var uri: String
    /// Extension attributes after the URI, verbatim.
    public var extensionAttributes: String?

    public init(id: UInt16, uri: String, direction: Direction? = nil, extensionAttributes: String? = nil) {
        self.id = id
        self.uri = uri
        self.direction = direction
        self.extensionAttributes = extensionAttributes
    }

    init(parsing value: String, line: Int) throws(SDPError) {
        let (entry, rest) = Lex.splitOnce(Lex.trim(value), at: Lex.space)
        let (idText, directionText) = Lex.splitOnce(entry, at: "/")
        guard let id = Lex.unsigned(idText, as: UInt16.self) else {
            throw .invalidField(line: line, field: "extmap id", value: SDPError.clip(idText))
        }
        self.id = id
        if let directionText {
            guard let direction = Direction(rawValue: directionText) else {
                throw .invalidField(line: line, field: "extmap direction", value: SDPError.clip(directionText))
            }
            self.direction = direction
        } else {
            direction = nil
        }
        let (uri, attributes) = Lex.splitOnce(Lex.trim(rest ?? ""), at: Lex.space)
        guard !uri.isEmpty else {
            throw .invalidField(line: line, field: "extmap URI", value: SDPError.clip(value))
        }
        self.uri = uri
        let trimmed = Lex.trim(attributes ?? "")
        extensionAttributes = trimmed.isEmpty ? nil : trimmed
    }

    var sdpValue: String {
        var out = "\(id)"
        if let direction { out += "/\(direction.rawValue)" }
        out += " \(uri)"
        if let extensionAttributes { out += " \(extensionAttributes)" }
        return out
    }
}

/// URIs of the RTP header extensions an SFU cares about.
public enum HeaderExtensionURI {
    /// RFC 9143 §15.2: the mid of the media section.
    public static let mid = "urn:ietf:params:rtp-hdrext:sdes:mid"
    /// RFC 8852 §3.1: the RtpStreamId (simulcast rid).
    public static let rtpStreamID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
    /// RFC 8852 §3.2: the rid a retransmission stream repairs.
    public static let repairedRTPStreamID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"
    /// Absolute send time (webrtc.org).
    public static let absSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
    /// Transport-wide sequence numbers for congestion control.
    public static let transportWideCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
    /// RFC 6464: client-to-mixer audio level.
    public static let audioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    /// 3GPP TS 26.114 coordination of video orientation.
    public static let videoOrientation = "urn:3gpp:video-orientation"
}
