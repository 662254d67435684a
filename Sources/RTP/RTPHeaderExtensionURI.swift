/// The `a=extmap` URIs of the header extensions WebRTC negotiates.
public enum RTPHeaderExtensionURI {
    /// RFC 9143 §15: the media section's `a=mid`, as ASCII.
    public static let mid = "urn:ietf:params:rtp-hdrext:sdes:mid"
    /// RFC 8852 §3.1: the simulcast stream's `rid`, as ASCII.
    public static let rtpStreamID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
    /// RFC 8852 §3.2: the `rid` an RTX/FEC stream repairs, as ASCII.
    public static let repairedRTPStreamID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"
    /// Absolute send time, 24-bit 6.18 fixed-point seconds (webrtc.org).
    public static let absSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
    /// Transport-wide sequence number, 16 bits
    /// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2).
    public static let transportWideCC =
        "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
    /// RFC 6464: client-to-mixer audio level (V flag and -dBov level).
    public static let audioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    /// 3GPP TS 26.114 §7.4.5: coordination of video orientation.
    public static let videoOrientation = "urn:3gpp:video-orientation"
    /// RFC 5450: transmission time offset.
    public static let transmissionTimeOffset = "urn:ietf:params:rtp-hdrext:toffset"
    /// webrtc.org playout delay limits.
    public static let playoutDelay = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"
    /// webrtc.org absolute capture time.
    public static let absCaptureTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time"
    /// AV1 dependency descriptor (AV1 RTP payload spec, appendix A).
    public static let dependencyDescriptor =
        "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension"
}

/// The negotiated ids of the extensions ``RTPHeaderView``'s typed accessors
/// read, built from a media section's `a=extmap` lines.
public struct RTPHeaderExtensionMap: Sendable, Hashable {
    /// Id of ``RTPHeaderExtensionURI/mid``.
    public var mid: UInt8?
    /// Id of ``RTPHeaderExtensionURI/rtpStreamID``.
    public var rtpStreamID: UInt8?
    /// Id of ``RTPHeaderExtensionURI/repairedRTPStreamID``.
    public var repairedRTPStreamID: UInt8?
    /// Id of ``RTPHeaderExtensionURI/absSendTime``.
    public var absSendTime: UInt8?
    /// Id of ``RTPHeaderExtensionURI/transportWideCC``.
    public var transportWideCC: UInt8?
    /// Id of ``RTPHeaderExtensionURI/audioLevel``.
    public var audioLevel: UInt8?
    /// Id of ``RTPHeaderExtensionURI/videoOrientation``.
    public var videoOrientation: UInt8?

    /// An empty map.
    public init() {}

    /// A map from `(id, uri)` pairs; unknown URIs are ignored.
    public init(extmap: [(id: UInt8, uri: String)]) {
        for entry in extmap { register(id: entry.id, uri: entry.uri) }
    }

    /// Records `id` for `uri`; returns false if the URI is not one of the
    /// typed extensions or the id is 0.
    @discardableResult
    public mutating func register(id: UInt8, uri: String) -> Bool {
        guard id != 0 else { return false }
        switch uri {
        case RTPHeaderExtensionURI.mid: mid = id
        case RTPHeaderExtensionURI.rtpStreamID: rtpStreamID = id
        case RTPHeaderExtensionURI.repairedRTPStreamID: repairedRTPStreamID = id
        case RTPHeaderExtensionURI.absSendTime: absSendTime = id
        case RTPHeaderExtensionURI.transportWideCC: transportWideCC = id
        case RTPHeaderExtensionURI.audioLevel: audioLevel = id
        case RTPHeaderExtensionURI.videoOrientation: videoOrientation = id
        default: return false
        }
        return true
    }
}
