/// A codec the SFU accepts from publishers, matched against offered payload
/// formats by name (case-insensitive), clock rate, channel count and format
/// parameters.
public struct CodecCapability: Sendable, Hashable {
    public var kind: MediaKind
    public var name: String
    public var clockRate: UInt32
    /// Required channel count (`nil`: any). An offer without a channel count
    /// means 1 (RFC 8866 §6.6).
    public var channels: UInt16?
    /// Conditions on the offered `a=fmtp` parameters.
    public var requirements: [ParameterRequirement]
    /// RTCP feedback the SFU supports for this codec; the answer keeps the
    /// offered feedback that is in this list.
    public var feedback: [FeedbackType]

    public init(
        kind: MediaKind, name: String, clockRate: UInt32, channels: UInt16? = nil,
        requirements: [ParameterRequirement] = [], feedback: [FeedbackType] = []
    ) {
        self.kind = kind
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.requirements = requirements
        self.feedback = feedback
    }

    /// Feedback the SFU implements for video: NACK, PLI, FIR, REMB, transport-cc.
    public static let videoFeedback: [FeedbackType] = [.nack, .pli, .fir, .remb, .transportCC]

    /// Opus (RFC 7587): `opus/48000/2`.
    public static let opus = CodecCapability(
        kind: .audio, name: "opus", clockRate: 48000, channels: 2, feedback: [.transportCC, .nack]
    )
    /// VP8 (RFC 7741).
    public static let vp8 = CodecCapability(kind: .video, name: "VP8", clockRate: 90000, feedback: videoFeedback)
    /// H.264 (RFC 6184) with packetization-mode=1, constrained baseline or
    /// baseline profile (`42e0xx`, `4200xx`, `4240xx`; any level).
    public static let h264 = CodecCapability(
        kind: .video, name: "H264", clockRate: 90000,
        requirements: [
            .oneOf(key: "packetization-mode", values: ["1"], whenAbsent: "0"),
            .h264Profile(["42e0", "4200", "4240"]),
        ],
        feedback: videoFeedback
    )
    /// VP9 profile 0 (draft-ietf-payload-vp9 / RFC 9628).
    public static let vp9 = CodecCapability(
        kind: .video, name: "VP9", clockRate: 90000,
        requirements: [.oneOf(key: "profile-id", values: ["0"], whenAbsent: "0")], feedback: videoFeedback
    )
    /// AV1 main profile (AV1 RTP specification §7.2).
    public static let av1 = CodecCapability(
        kind: .video, name: "AV1", clockRate: 90000,
        requirements: [.oneOf(key: "profile", values: ["0"], whenAbsent: "0")], feedback: videoFeedback
    )

    /// Whether an offered payload format in a section of `kind` is this codec.
    public func matches(_ codec: Codec, kind: MediaKind) -> Bool {
        guard kind == self.kind, Lex.sameIgnoringCase(codec.name, name), codec.clockRate == clockRate else {
            return false
        }
        if let channels, (codec.channels ?? 1) != channels { return false }
        return requirements.allSatisfy { $0.isSatisfied(by: codec) }
    }
}

/// A condition on a payload format's `a=fmtp` parameters.
public enum ParameterRequirement: Sendable, Hashable {
    /// `key` (or `whenAbsent` when the key is missing) is one of `values`
    /// (ASCII case-insensitive).
    case oneOf(key: String, values: [String], whenAbsent: String?)
    /// H.264 `profile-level-id` (RFC 6184 §8.1): its first four hex digits
    /// (profile_idc and profile-iop) are one of the given prefixes; a missing
    /// parameter means `420010` (baseline).
    case h264Profile([String])

    func isSatisfied(by codec: Codec) -> Bool {
        switch self {
        case let .oneOf(key, values, whenAbsent):
            guard let value = codec[key] ?? whenAbsent else { return false }
            return values.contains { Lex.sameIgnoringCase($0, value) }
        case let .h264Profile(prefixes):
            let id = codec["profile-level-id"] ?? "420010"
            let scalars = Array(id.unicodeScalars)
            guard scalars.count == 6 else { return false }
            var prefix = String.UnicodeScalarView()
            prefix.append(contentsOf: scalars[0..<4])
            return prefixes.contains { Lex.sameIgnoringCase($0, String(prefix)) }
        }
    }
}

/// An RTP header extension the SFU accepts, for the given media kinds.
public struct HeaderExtensionCapability: Sendable, Hashable {
    public var uri: String
    public var kinds: Set<MediaKind>

    public init(uri: String, kinds: Set<MediaKind>) {
        self.uri = uri
        self.kinds = kinds
    }

    /// sdes:mid, rtp-stream-id, repaired-rtp-stream-id, abs-send-time,
    /// transport-wide-cc, ssrc-audio-level (audio), video-orientation (video).
    public static let defaults: [HeaderExtensionCapability] = [
        HeaderExtensionCapability(uri: HeaderExtensionURI.mid, kinds: [.audio, .video]),
        HeaderExtensionCapability(uri: HeaderExtensionURI.rtpStreamID, kinds: [.video]),
        HeaderExtensionCapability(uri: HeaderExtensionURI.repairedRTPStreamID, kinds: [.video]),
        HeaderExtensionCapability(uri: HeaderExtensionURI.absSendTime, kinds: [.audio, .video]),
        HeaderExtensionCapability(uri: HeaderExtensionURI.transportWideCC, kinds: [.audio, .video]),
        HeaderExtensionCapability(uri: HeaderExtensionURI.audioLevel, kinds: [.audio]),
        HeaderExtensionCapability(uri: HeaderExtensionURI.videoOrientation, kinds: [.video]),
    ]
}

/// The SFU side of one transport: ICE credentials, DTLS certificate
/// fingerprint and candidates, as written into answers and offers.
public struct TransportParameters: Sendable, Hashable {
    public var credentials: ICECredentials
    /// One fingerprint (sha-256 is what every browser checks).
    public var fingerprint: Fingerprint
    /// Host candidates (ICE-lite servers have nothing else), e.g.
    /// `ICECandidate.host(address: "203.0.113.7", port: 3478)`.
    public var candidates: [ICECandidate]

    public init(credentials: ICECredentials, fingerprint: Fingerprint, candidates: [ICECandidate]) {
        self.credentials = credentials
        self.fingerprint = fingerprint
        self.candidates = candidates
    }

    /// Checks that every value can be written into SDP: ufrag 4–256 and pwd
    /// 22–256 ice-chars (RFC 8839 §5.4), a non-empty fingerprint with a token
    /// hash name, candidates made of tokens.
    public func validate() throws(SDPError) {
        try TransportParameters.checkICEChars(credentials.ufrag, name: "ice-ufrag", length: 4...256)
        try TransportParameters.checkICEChars(credentials.pwd, name: "ice-pwd", length: 22...256)
        guard Lex.isToken(fingerprint.hashFunction), !fingerprint.bytes.isEmpty else {
            throw .invalidParameter(name: "fingerprint", value: SDPError.clip(fingerprint.sdpValue))
        }
        for candidate in candidates {
            let tokens = [candidate.foundation, candidate.transport.rawValue, candidate.type.rawValue]
                + candidate.extensions.flatMap { [$0.name, $0.value] }
            let addresses = [candidate.address] + [candidate.relatedAddress].compactMap { $0 }
            guard tokens.allSatisfy(Lex.isToken), addresses.allSatisfy(Self.isConnectionAddress) else {
                throw .invalidParameter(name: "candidate", value: SDPError.clip(candidate.attributeValue))
            }
        }
    }

    /// An IPv4 or IPv6 address or a host name (RFC 8839 connection-address):
    /// letters, digits, `.`, `:` and `-`.
    static func isConnectionAddress(_ value: String) -> Bool {
        !value.isEmpty && value.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2E, 0x3A, 0x2D: return true
            default: return false
            }
        }
    }

    private static func checkICEChars(_ value: String, name: String, length: ClosedRange<Int>) throws(SDPError) {
        let scalars = value.unicodeScalars
        let ok = length.contains(scalars.count) && scalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2B, 0x2F: return true
            default: return false
            }
        }
        guard ok else { throw .invalidParameter(name: name, value: SDPError.clip(value)) }
    }

    /// The candidate the `m=`/`c=` lines name as default (RFC 8839 §4.2.1.2):
    /// the first UDP candidate, else the first one.
    var defaultCandidate: ICECandidate? {
        candidates.first { $0.transport == .udp } ?? candidates.first
    }
}
