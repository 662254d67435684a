/// One RTP payload format of a media section: its `a=rtpmap`, `a=fmtp` and
/// `a=rtcp-fb` lines joined (RFC 8866 §6.6, §6.15; RFC 4585 §4.2).
///
/// In ``MediaDescription/codecs`` retransmission formats (RFC 4588 `rtx`)
/// are folded into their primary codec's ``rtxPayloadType``.
public struct Codec: Sendable, Hashable {
    public var payloadType: UInt8
    /// Encoding name as written (`opus`, `VP8`, `H264`, `rtx`, ...).
    public var name: String
    public var clockRate: UInt32
    /// Audio channels (`opus/48000/2` → 2); `nil` when not written.
    public var channels: UInt16?
    /// The `a=fmtp` parameters, `""` when there are none.
    public var parameters: String
    /// RTCP feedback for this payload type (including `rtcp-fb:*` lines).
    public var feedback: [FeedbackType]
    /// The payload type of the RTX format repairing this one, if any.
    public var rtxPayloadType: UInt8?

    public init(
        payloadType: UInt8, name: String, clockRate: UInt32, channels: UInt16? = nil,
        parameters: String = "", feedback: [FeedbackType] = [], rtxPayloadType: UInt8? = nil
    ) {
        self.payloadType = payloadType
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.parameters = parameters
        self.feedback = feedback
        self.rtxPayloadType = rtxPayloadType
    }

    /// A `key=value` fmtp parameter (ASCII case-insensitive key), e.g.
    /// `codec["profile-level-id"]`.
    public subscript(_ key: String) -> String? {
        FormatParameters.value(of: key, in: parameters)
    }

    /// Whether this is an RTX format (RFC 4588).
    public var isRTX: Bool { Lex.sameIgnoringCase(name, "rtx") }

    /// For an RTX format, the payload type it repairs (`apt=`).
    public var associatedPayloadType: UInt8? {
        self["apt"].flatMap { Lex.unsigned($0, as: UInt8.self) }
    }

    /// Opus, 48 kHz stereo signalling, PT 111 as Chrome uses.
    public static func opus(payloadType: UInt8 = 111) -> Codec {
        Codec(
            payloadType: payloadType, name: "opus", clockRate: 48000, channels: 2,
            parameters: "minptime=10;useinbandfec=1", feedback: [.transportCC]
        )
    }

    /// VP8 with the usual video feedback and an RTX payload type.
    public static func vp8(payloadType: UInt8 = 96, rtxPayloadType: UInt8? = 97) -> Codec {
        Codec(
            payloadType: payloadType, name: "VP8", clockRate: 90000,
            feedback: [.remb, .transportCC, .fir, .nack, .pli], rtxPayloadType: rtxPayloadType
        )
    }
}

extension MediaDescription {
    /// Every payload format on the `m=` line, in order, one per payload type
    /// (the first `a=rtpmap` wins; static payload types without one use the
    /// RFC 3551 §6 table; formats with neither are skipped).
    public var payloadFormats: [Codec] {
        var seen = Set<UInt8>()
        var out: [Codec] = []
        let wildcard = rtcpFeedback.filter { $0.payloadType == nil }.map(\.feedback)
        for payloadType in payloadTypes where seen.insert(payloadType).inserted {
            let map = rtpMaps.first { $0.payloadType == payloadType } ?? staticPayloadTypes[payloadType]
            guard let map else { continue }
            out.append(Codec(
                payloadType: payloadType, name: map.encodingName, clockRate: map.clockRate, channels: map.channels,
                parameters: formatParameters.first { $0.payloadType == payloadType }?.parameters ?? "",
                feedback: rtcpFeedback.filter { $0.payloadType == payloadType }.map(\.feedback) + wildcard
            ))
        }
        return out
    }

    /// The media codecs (no RTX entries), each with the payload type of its
    /// RTX format when the section has one (`a=fmtp:<rtx> apt=<pt>`).
    public var codecs: [Codec] {
        let formats = payloadFormats
        let rtx = formats.filter(\.isRTX)
        return formats.filter { !$0.isRTX }.map { codec in
            var codec = codec
            codec.rtxPayloadType = rtx.first { $0.associatedPayloadType == codec.payloadType }?.payloadType
            return codec
        }
    }

    /// Adds the `m=` payload type, `a=rtpmap`, `a=rtcp-fb` and `a=fmtp` lines
    /// for `codec`, and for its RTX format when it has one.
    public mutating func append(codec: Codec, rtxParameters: String? = nil) {
        formats.append("\(codec.payloadType)")
        rtpMaps.append(RTPMap(
            payloadType: codec.payloadType, encodingName: codec.name, clockRate: codec.clockRate, channels: codec.channels
        ))
        rtcpFeedback += codec.feedback.map { RTCPFeedback(payloadType: codec.payloadType, feedback: $0) }
        if !codec.parameters.isEmpty {
            formatParameters.append(FormatParameters(payloadType: codec.payloadType, parameters: codec.parameters))
        }
        guard let rtx = codec.rtxPayloadType else { return }
        formats.append("\(rtx)")
        rtpMaps.append(RTPMap(payloadType: rtx, encodingName: "rtx", clockRate: codec.clockRate))
        formatParameters.append(FormatParameters(
            payloadType: rtx, parameters: rtxParameters ?? "apt=\(codec.payloadType)"
        ))
    }
}

/// RFC 3551 §6 static payload types (those still seen in WebRTC offers).
private let staticPayloadTypes: [UInt8: RTPMap] = {
    let table: [(UInt8, String, UInt32, UInt16?)] = [
        (0, "PCMU", 8000, 1), (3, "GSM", 8000, 1), (4, "G723", 8000, 1), (8, "PCMA", 8000, 1),
        (9, "G722", 8000, 1), (13, "CN", 8000, 1), (18, "G729", 8000, 1),
        (26, "JPEG", 90000, nil), (31, "H261", 90000, nil), (34, "H263", 90000, nil),
    ]
    var out: [UInt8: RTPMap] = [:]
    for (payloadType, name, rate, channels) in table {
        out[payloadType] = RTPMap(payloadType: payloadType, encodingName: name, clockRate: rate, channels: channels)
    }
    return out
}()
