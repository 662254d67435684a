/// Builds the SFU's offers on a subscriber peer connection (the SFU sends,
/// the client receives), across renegotiations (RFC 8829 §5.2.2).
///
/// Each track gets its own `sendonly` media section with one codec (the
/// publisher's, with its payload type), optional RTX, `a=ssrc` lines with
/// cname and msid and `a=ssrc-group:FID` (RFC 5576, RFC 4588 §8), so the
/// browser can demultiplex by SSRC as well as by the mid header extension.
///
/// Renegotiation: media sections are never removed or reordered. A track
/// keeps its mid for as long as it is offered. A track that disappears
/// leaves its section in place, **port unchanged, `a=inactive`, no msid and
/// no SSRCs, still in the BUNDLE group** (not port 0: a rejected section
/// would have to leave the BUNDLE group and could not be the BUNDLE tag, and
/// Chrome accepts an inactive section and later reuse of it). An inactive
/// section is reused, with its mid, by the next new track of the same kind
/// in a *later* offer; the browser then sees the direction return to
/// receiving and fires `track` again. New tracks otherwise get new sections
/// with mids `"0"`, `"1"`, ... in section order.
///
/// The offer says `a=setup:actpass` (RFC 8842 §5.2) and `a=ice-lite`; read
/// the browser's answer with ``SessionDescription/summary()`` (its `setup`
/// will be `active`).
public struct SubscriberOfferer: Sendable {
    /// Defaults: sdes:mid (id 1), abs-send-time (2), transport-wide-cc (3)
    /// for both kinds; `a=rtcp-rsize` on.
    public struct Configuration: Sendable, Hashable {
        /// Header extensions offered in audio sections (ids as given).
        public var audioExtensions: [ExtensionMap]
        /// Header extensions offered in video sections.
        public var videoExtensions: [ExtensionMap]
        /// Offer reduced-size RTCP (RFC 5506).
        public var rtcpReducedSize: Bool

        public init(
            audioExtensions: [ExtensionMap] = SubscriberOfferer.defaultExtensions,
            videoExtensions: [ExtensionMap] = SubscriberOfferer.defaultExtensions,
            rtcpReducedSize: Bool = true
        ) {
            self.audioExtensions = audioExtensions
            self.videoExtensions = videoExtensions
            self.rtcpReducedSize = rtcpReducedSize
        }
    }

    public static let defaultExtensions: [ExtensionMap] = [
        ExtensionMap(id: 1, uri: HeaderExtensionURI.mid),
        ExtensionMap(id: 2, uri: HeaderExtensionURI.absSendTime),
        ExtensionMap(id: 3, uri: HeaderExtensionURI.transportWideCC),
    ]

    /// One media section of the connection, in order.
    public struct Slot: Sendable, Hashable {
        public let mid: String
        public let kind: MediaKind
        /// The track now in this section, `nil` when inactive.
        public internal(set) var trackID: String?
        /// The last track offered here (its codec stays on the `m=` line
        /// while the section is inactive).
        var lastTrack: OutgoingTrack
    }

    public var configuration: Configuration
    /// The SFU's ICE/DTLS parameters for this connection.
    public var transport: TransportParameters
    /// The `o=` line of the next offer (its version goes up by one per offer).
    public private(set) var origin: Origin
    public private(set) var slots: [Slot] = []

    public init(sessionID: UInt64, transport: TransportParameters, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.transport = transport
        self.origin = Origin(sessionID: sessionID, sessionVersion: 1)
    }

    /// The offer for exactly `tracks` (in the order new ones should be
    /// added), updating the section layout.
    ///
    /// - Throws: ``SDPError/invalidParameter(name:value:)`` for a track id,
    ///   stream id or cname that is not an SDP token (1–64 token chars for
    ///   msid ids, RFC 8830 §2), a duplicate track id, a kind other than
    ///   audio/video, a payload type above 127, or invalid transport values.
    public mutating func offer(for tracks: [OutgoingTrack]) throws(SDPError) -> SubscriberOffer {
        try transport.validate()
        var ids = Set<String>()
        for track in tracks {
            try track.validate()
            guard ids.insert(track.trackID).inserted else {
                throw .invalidParameter(name: "duplicate track id", value: SDPError.clip(track.trackID))
            }
        }
        let reusable = slots.indices.filter { slots[$0].trackID == nil }
        var taken = Set<Int>()
        var byID: [String: OutgoingTrack] = [:]
        for track in tracks { byID[track.trackID] = track }
        for index in slots.indices {
            if let id = slots[index].trackID, let track = byID[id], track.kind == slots[index].kind {
                slots[index].lastTrack = track
                taken.insert(index)
            } else {
                slots[index].trackID = nil
            }
        }
        let placed = Set(slots.compactMap(\.trackID))
        for track in tracks where !placed.contains(track.trackID) {
            if let index = reusable.first(where: { !taken.contains($0) && slots[$0].kind == track.kind }) {
                slots[index].trackID = track.trackID
                slots[index].lastTrack = track
                taken.insert(index)
            } else {
                slots.append(Slot(mid: "\(slots.count)", kind: track.kind, trackID: track.trackID, lastTrack: track))
                taken.insert(slots.count - 1)
            }
        }
        let description = makeDescription()
        origin.sessionVersion &+= 1
        var mids: [String: String] = [:]
        for slot in slots { if let id = slot.trackID { mids[id] = slot.mid } }
        return SubscriberOffer(description: description, mids: mids)
    }

    private func makeDescription() -> SessionDescription {
        var description = SessionDescription(origin: origin)
        description.iceLite = true
        description.msidSemantic = MSIDSemantic(semantic: "WMS", identifiers: ["*"])
        if !slots.isEmpty { description.groups = [.bundle(slots.map(\.mid))] }
        description.media = slots.map(section(for:))
        return description
    }

    private func section(for slot: Slot) -> MediaDescription {
        let track = slot.lastTrack
        let defaultCandidate = transport.defaultCandidate
        var media = MediaDescription(
            kind: slot.kind, port: defaultCandidate?.port ?? 9, proto: "UDP/TLS/RTP/SAVPF", formats: []
        )
        media.connections = [ConnectionData(address: defaultCandidate?.address ?? "0.0.0.0")]
        media.candidates = transport.candidates
        media.endOfCandidates = true
        media.iceUfrag = transport.credentials.ufrag
        media.icePwd = transport.credentials.pwd
        media.fingerprints = [transport.fingerprint]
        media.setup = .actpass
        media.mid = slot.mid
        media.extensions = slot.kind == .audio ? configuration.audioExtensions : configuration.videoExtensions
        media.rtcpMux = true
        media.rtcpReducedSize = configuration.rtcpReducedSize
        media.append(codec: track.codec)
        guard slot.trackID != nil else {
            media.direction = .inactive
            return media
        }
        media.direction = .sendonly
        let msid = MediaStreamID(streamID: track.streamID, trackID: track.trackID)
        media.msids = [msid]
        var sources = [track.ssrc]
        if let rtx = track.rtxSSRC, track.codec.rtxPayloadType != nil {
            media.ssrcGroups = [SSRCGroup(semantics: SSRCGroup.fid, ssrcs: [track.ssrc, rtx])]
            sources.append(rtx)
        }
        for ssrc in sources {
            media.ssrcs.append(SSRCAttribute(ssrc: ssrc, name: "cname", value: track.cname))
            media.ssrcs.append(SSRCAttribute(ssrc: ssrc, name: "msid", value: msid.sdpValue))
        }
        return media
    }
}

/// A track the SFU sends to a subscriber.
public struct OutgoingTrack: Sendable, Hashable {
    /// The msid track id; identifies the track across offers.
    public var trackID: String
    /// The msid stream id (the publisher's stream, so the browser groups its
    /// audio and video).
    public var streamID: String
    public var kind: MediaKind
    /// The codec as the SFU sends it (payload type, fmtp, feedback,
    /// `rtxPayloadType`).
    public var codec: Codec
    public var ssrc: UInt32
    /// The RTX SSRC; written only when `codec.rtxPayloadType` is set.
    public var rtxSSRC: UInt32?
    /// RTCP CNAME (RFC 7022), e.g. the publisher's.
    public var cname: String

    public init(
        trackID: String, streamID: String, kind: MediaKind, codec: Codec,
        ssrc: UInt32, rtxSSRC: UInt32? = nil, cname: String
    ) {
        self.trackID = trackID
        self.streamID = streamID
        self.kind = kind
        self.codec = codec
        self.ssrc = ssrc
        self.rtxSSRC = rtxSSRC
        self.cname = cname
    }

    func validate() throws(SDPError) {
        for (name, value) in [("track id", trackID), ("stream id", streamID)] {
            guard Lex.isToken(value), value.unicodeScalars.count <= 64 else {
                throw .invalidParameter(name: name, value: SDPError.clip(value))
            }
        }
        guard Lex.isToken(cname) else { throw .invalidParameter(name: "cname", value: SDPError.clip(cname)) }
        guard kind == .audio || kind == .video else {
            throw .invalidParameter(name: "kind", value: SDPError.clip(kind.rawValue))
        }
        guard Lex.isToken(codec.name) else { throw .invalidParameter(name: "codec", value: SDPError.clip(codec.name)) }
        let noBreaks = !codec.parameters.unicodeScalars.contains { $0 == "\r" || $0 == "\n" }
        guard noBreaks else { throw .invalidParameter(name: "fmtp", value: SDPError.clip(codec.parameters)) }
        let feedbackOK = codec.feedback.allSatisfy { feedback in
            Lex.isToken(feedback.type)
                && !(feedback.parameter ?? "").unicodeScalars.contains { $0 == "\r" || $0 == "\n" }
        }
        guard feedbackOK else { throw .invalidParameter(name: "rtcp-fb", value: SDPError.clip("\(codec.feedback)")) }
        guard codec.payloadType <= 127, (codec.rtxPayloadType ?? 0) <= 127, codec.rtxPayloadType != codec.payloadType
        else { throw .invalidParameter(name: "payload type", value: "\(codec.payloadType)") }
    }
}

/// An offer for a subscriber connection.
public struct SubscriberOffer: Sendable, Hashable {
    public var description: SessionDescription
    /// The mid of each offered track, by track id (for the mid header
    /// extension the SFU writes into outgoing packets).
    public var mids: [String: String]
}
