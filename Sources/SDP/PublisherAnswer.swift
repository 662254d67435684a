/// The SFU's answer to a publisher's offer, with what was agreed per section.
public struct PublisherAnswer: Sendable, Hashable {
    /// The answer to send back (``SessionDescription/serialize()``).
    public var description: SessionDescription
    /// One entry per offered media section, in order.
    public var media: [NegotiatedMedia]

    /// The SFU's DTLS role as written in the answer (`passive` unless the
    /// client offered `passive`), from the first accepted section.
    public var localSetup: SetupRole? {
        guard let index = media.firstIndex(where: \.isAccepted), description.media.indices.contains(index) else {
            return nil
        }
        return description.media[index].setup
    }

    /// The client's ICE credentials (first accepted section; with BUNDLE
    /// they are the transport's).
    public var remoteCredentials: ICECredentials? {
        media.first(where: \.isAccepted)?.offered.iceCredentials
    }

    /// The client's certificate fingerprints (first accepted section).
    public var remoteFingerprints: [Fingerprint] {
        media.first(where: \.isAccepted)?.offered.fingerprints ?? []
    }
}

/// The outcome of one offered media section of a publisher's offer.
public struct NegotiatedMedia: Sendable, Hashable {
    /// What the client offered (mid, SSRCs, msid, ICE/DTLS parameters, ...).
    public var offered: MediaSummary
    public var outcome: Outcome
    /// Accepted codecs in the answer's preference order, with the offer's
    /// payload types; `rtxPayloadType` set when RTX was kept.
    public var codecs: [Codec] = []
    /// Accepted header extensions with the offer's ids.
    public var extensions: [ExtensionMap] = []
    /// The answer's `a=rid:... recv` lines (simulcast streams to expect).
    public var rids: [RID] = []
    /// The answer's `a=simulcast:recv ...`, when simulcast was accepted.
    public var simulcast: Simulcast?
    /// The offered `a=fmtp` parameters of each kept RTX payload type.
    var rtxParameters: [UInt8: String] = [:]

    init(offered: MediaSummary, outcome: Outcome) {
        self.offered = offered
        self.outcome = outcome
    }

    public enum Outcome: Sendable, Hashable {
        /// Accepted; the direction written in the answer (`recvonly`, or
        /// `inactive` when the client offered not to send).
        case accepted(Direction)
        /// Rejected with port 0.
        case rejected(RejectionReason)
    }

    public var mid: String? { offered.mid }
    public var kind: MediaKind { offered.kind }
    public var isAccepted: Bool {
        if case .accepted = outcome { return true }
        return false
    }

    /// The simulcast rids the SFU will receive, in offered order.
    public var ridIDs: [String] { rids.map(\.id) }

    /// The id negotiated for a header extension URI in this section.
    public func extensionID(for uri: String) -> UInt16? {
        extensions.first { Lex.same($0.uri, uri) }?.id
    }
}

/// Why a publisher's media section was rejected.
public enum RejectionReason: Sendable, Hashable {
    /// The offer itself had port 0.
    case rejectedInOffer
    /// Not audio/video over RTP (e.g. `m=application ... webrtc-datachannel`).
    case unsupportedMedia
    /// The offer lacks `a=rtcp-mux` (RFC 5761): the SFU has no RTCP port.
    case rtcpMuxRequired
    /// No offered codec is in the configuration.
    case noCommonCodec
}
