// The attributes that describe an RTP payload format.

/// `a=rtpmap:` (RFC 8866 §6.6):
///
/// ```
/// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
/// a=rtpmap:111 opus/48000/2
/// a=rtpmap:96 VP8/90000
/// ```
///
/// For audio the encoding parameter is the channel count.
public struct RTPMap: Sendable, Hashable {
    public var payloadType: UInt8
    public var encodingName: String
    public var clockRate: UInt32
    public var channels: UInt16?

    public init(payloadType: UInt8, encodingName: String, clockRate: UInt32, channels: UInt16? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    init(parsing value: String, line: Int) throws(SDPError) {
        let fields = Lex.fields(value)
        guard fields.count == 2 else {
            throw .invalidField(line: line, field: "rtpmap", value: SDPError.clip(value))
        }
        payloadType = try parsePayloadType(fields[0], line: line, field: "rtpmap payload type")
        let parts = Lex.split(fields[1], on: "/")
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty else {
            throw .invalidField(line: line, field: "rtpmap encoding", value: SDPError.clip(fields[1]))
        }
        encodingName = parts[0]
        guard let rate = Lex.unsigned(parts[1], as: UInt32.self) else {
            throw .invalidField(line: line, field: "rtpmap clock rate", value: SDPError.clip(parts[1]))
        }
        clockRate = rate
        if parts.count == 3 {
            guard let count = Lex.unsigned(parts[2], as: UInt16.self) else {
                throw .invalidField(line: line, field: "rtpmap channels", value: SDPError.clip(parts[2]))
            }
            channels = count
        } else {
            channels = nil
        }
    }

    var sdpValue: String {
        "\(payloadType) \(encodingName)/\(clockRate)" + (channels.map { "/\($0)" } ?? "")
    }
}

/// `a=fmtp:` for an RTP payload type (RFC 8866 §6.15):
///
/// ```
/// a=fmtp:<format> <format specific parameters>
/// a=fmtp:111 minptime=10;useinbandfec=1
/// a=fmtp:97 apt=96
/// ```
///
/// The parameters are kept as written; ``subscript(_:)`` reads the
/// `key=value;key=value` form most codecs use.
public struct FormatParameters: Sendable, Hashable {
    public var payloadType: UInt8
    public var parameters: String

    public init(payloadType: UInt8, parameters: String) {
        self.payloadType = payloadType
        self.parameters = parameters
    }

    /// `nil` when the format is not a payload type (e.g. SCTP's
    /// `a=fmtp:webrtc-datachannel ...`): such lines stay plain attributes.
    init?(parsing value: String, line: Int) throws(SDPError) {
        let (format, rest) = Lex.splitOnce(Lex.trim(value), at: Lex.space)
        guard Lex.unsigned(format, as: UInt64.self) != nil else { return nil }
        payloadType = try parsePayloadType(format, line: line, field: "fmtp payload type")
        parameters = Lex.trim(rest ?? "")
    }

    var sdpValue: String {
        parameters.isEmpty ? "\(payloadType)" : "\(payloadType) \(parameters)"
    }

    /// The value of `key` in a `key=value;key=value` parameter list (keys
    /// compared ASCII case-insensitively, spaces around items ignored), or
    /// `nil` when absent.
    public subscript(_ key: String) -> String? {
        FormatParameters.value(of: key, in: parameters)
    }

    static func value(of key: String, in parameters: String) -> String? {
        for item in Lex.split(parameters, on: ";") {
            let (name, value) = Lex.splitOnce(Lex.trim(item), at: "=")
            if Lex.sameIgnoringCase(Lex.trim(name), key) {
                return Lex.trim(value ?? "")
            }
        }
        return nil
    }
}

/// An RTCP feedback mechanism (RFC 4585 §4.2): a type and an optional
/// parameter, e.g. `nack`, `nack pli`, `ccm fir`, `goog-remb`, `transport-cc`.
public struct FeedbackType: Sendable, Hashable, CustomStringConvertible {
    public var type: String
    public var parameter: String?

    public init(type: String, parameter: String? = nil) {
        self.type = type
        self.parameter = parameter
    }

    /// Generic NACK (RFC 4585 §6.2.1).
    public static let nack = FeedbackType(type: "nack")
    /// Picture loss indication (RFC 4585 §6.3.1).
    public static let pli = FeedbackType(type: "nack", parameter: "pli")
    /// Full intra request (RFC 5104 §7.1).
    public static let fir = FeedbackType(type: "ccm", parameter: "fir")
    /// Receiver estimated max bitrate (draft-alvestrand-rmcat-remb).
    public static let remb = FeedbackType(type: "goog-remb")
    /// Transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01).
    public static let transportCC = FeedbackType(type: "transport-cc")

    public var description: String {
        parameter.map { "\(type) \($0)" } ?? type
    }

    /// Case-insensitive match on type and parameter.
    func matches(_ other: FeedbackType) -> Bool {
        guard Lex.sameIgnoringCase(type, other.type) else { return false }
        switch (parameter, other.parameter) {
        case (nil, nil): return true
        case let (lhs?, rhs?): return Lex.sameIgnoringCase(lhs, rhs)
        default: return false
        }
    }
}

/// `a=rtcp-fb:` (RFC 4585 §4.2):
///
/// ```
/// rtcp-fb-syntax = "a=rtcp-fb:" rtcp-fb-pt SP rtcp-fb-val CRLF
/// rtcp-fb-pt     = "*" / fmt
/// a=rtcp-fb:96 nack pli
/// ```
public struct RTCPFeedback: Sendable, Hashable {
    /// The payload type, or `nil` for `*` (every payload type).
    public var payloadType: UInt8?
    public var feedback: FeedbackType

    public init(payloadType: UInt8?, feedback: FeedbackType) {
        self.payloadType = payloadType
        self.feedback = feedback
    }

    init(parsing value: String, line: Int) throws(SDPError) {
        let (target, rest) = Lex.splitOnce(Lex.trim(value), at: Lex.space)
        if Lex.same(target, "*") {
            payloadType = nil
        } else {
            payloadType = try parsePayloadType(target, line: line, field: "rtcp-fb payload type")
        }
        let (type, parameter) = Lex.splitOnce(Lex.trim(rest ?? ""), at: Lex.space)
        guard !type.isEmpty else {
            throw .invalidField(line: line, field: "rtcp-fb value", value: SDPError.clip(value))
        }
        let trimmed = Lex.trim(parameter ?? "")
        feedback = FeedbackType(type: type, parameter: trimmed.isEmpty ? nil : trimmed)
    }

    var sdpValue: String {
        (payloadType.map { "\($0)" } ?? "*") + " " + feedback.description
    }
}

/// Parses an RTP payload type: 0...127 (RFC 3550 §5.1, 7 bits).
func parsePayloadType(_ text: String, line: Int, field: String) throws(SDPError) -> UInt8 {
    guard let value = Lex.unsigned(text, as: UInt8.self), value <= 127 else {
        throw .invalidField(line: line, field: field, value: SDPError.clip(text))
    }
    return value
}
