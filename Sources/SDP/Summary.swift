/// What a remote description says, per media section, with session-level
/// defaults applied: the view the SFU needs to set up transports, producers
/// and consumers (JSEP, RFC 8829 §5.10).
public struct SessionSummary: Sendable, Hashable {
    public var media: [MediaSummary]
    /// Every `a=group:BUNDLE` (RFC 9143), mids in order.
    public var bundleGroups: [[String]]
    /// `a=ice-lite` at session level (or on every media section).
    public var iceLite: Bool
    /// `a=extmap-allow-mixed` at session level or on any section.
    public var extmapAllowMixed: Bool

    public init(_ description: SessionDescription) {
        media = description.media.enumerated().map { MediaSummary(description, index: $0.offset) }
        bundleGroups = description.groups.filter { Lex.same($0.semantics, "BUNDLE") }.map(\.mids)
        iceLite = description.iceLite || (!description.media.isEmpty && description.media.allSatisfy(\.iceLite))
        extmapAllowMixed = description.extmapAllowMixed || description.media.contains(where: \.extmapAllowMixed)
    }
}

/// One media section of a remote description.
public struct MediaSummary: Sendable, Hashable {
    /// The section's position (`sdpMLineIndex`).
    public var index: Int
    public var mid: String?
    public var kind: MediaKind
    public var proto: String
    public var port: UInt16
    /// Port 0 without `a=bundle-only` (RFC 3264 §6, RFC 9143 §6).
    public var isRejected: Bool
    /// The direction from the writer's point of view: the section's, else the
    /// session's, else `sendrecv` (RFC 8866 §6.7).
    public var direction: Direction
    /// Media codecs in preference order, RTX folded into `rtxPayloadType`.
    public var codecs: [Codec]
    /// Header extensions: the section's, then session-level ones for URIs the
    /// section does not map itself.
    public var extensions: [ExtensionMap]
    /// The sender's streams, one per primary SSRC, with their RTX SSRCs.
    public var streams: [SSRCStream]
    /// All `a=ssrc-group` lines (FID, SIM, FEC-FR).
    public var ssrcGroups: [SSRCGroup]
    public var rids: [RID]
    public var simulcast: Simulcast?
    /// `a=msid`, else the msid of the first stream.
    public var msid: MediaStreamID?
    /// ICE credentials of the section, else of the session.
    public var iceCredentials: ICECredentials?
    /// Fingerprints of the section, else of the session.
    public var fingerprints: [Fingerprint]
    /// `a=setup` of the section, else of the session.
    public var setup: SetupRole?
    public var candidates: [ICECandidate]
    public var endOfCandidates: Bool
    public var rtcpMux: Bool
    public var rtcpReducedSize: Bool

    init(_ description: SessionDescription, index: Int) {
        let media = description.media.indices.contains(index)
            ? description.media[index] : MediaDescription(kind: .audio, port: 0, proto: "", formats: [])
        self.index = index
        mid = media.mid
        kind = media.kind
        proto = media.proto
        port = media.port
        isRejected = media.isRejected
        direction = media.direction ?? description.direction ?? .sendrecv
        codecs = media.codecs
        let mapped = Set(media.extensions.map(\.uri))
        extensions = media.extensions + description.extensions.filter { !mapped.contains($0.uri) }
        streams = SSRCStream.streams(of: media)
        ssrcGroups = media.ssrcGroups
        rids = media.rids
        simulcast = media.simulcast
        msid = media.msids.first ?? streams.first?.msid
        let ufrag = media.iceUfrag ?? description.iceUfrag
        let pwd = media.icePwd ?? description.icePwd
        iceCredentials = ufrag.flatMap { ufrag in pwd.map { ICECredentials(ufrag: ufrag, pwd: $0) } }
        fingerprints = media.fingerprints.isEmpty ? description.fingerprints : media.fingerprints
        setup = media.setup ?? description.setup
        candidates = media.candidates
        endOfCandidates = media.endOfCandidates
        rtcpMux = media.rtcpMux
        rtcpReducedSize = media.rtcpReducedSize
    }

    /// The header extension id for `uri`, if negotiated in this section.
    public func extensionID(for uri: String) -> UInt16? {
        extensions.first { Lex.same($0.uri, uri) }?.id
    }
}

/// One sending source of a media section (RFC 5576): its SSRC, the RTX SSRC
/// paired with it by `a=ssrc-group:FID` (RFC 4588 §8), its cname and msid.
public struct SSRCStream: Sendable, Hashable {
    public var ssrc: UInt32
    public var rtxSSRC: UInt32?
    public var cname: String?
    public var msid: MediaStreamID?

    public init(ssrc: UInt32, rtxSSRC: UInt32? = nil, cname: String? = nil, msid: MediaStreamID? = nil) {
        self.ssrc = ssrc
        self.rtxSSRC = rtxSSRC
        self.cname = cname
        self.msid = msid
    }

    /// Primary SSRCs in order of first appearance; SSRCs that are the second
    /// member of a FID or FEC-FR group are repair streams, not listed.
    static func streams(of media: MediaDescription) -> [SSRCStream] {
        var order: [UInt32] = []
        var seen = Set<UInt32>()
        for group in media.ssrcGroups {
            for ssrc in group.ssrcs where seen.insert(ssrc).inserted { order.append(ssrc) }
        }
        for attribute in media.ssrcs where seen.insert(attribute.ssrc).inserted { order.append(attribute.ssrc) }
        var repair: [UInt32: UInt32] = [:]
        var isRepair = Set<UInt32>()
        for group in media.ssrcGroups where group.ssrcs.count >= 2 {
            guard Lex.same(group.semantics, SSRCGroup.fid) || Lex.same(group.semantics, SSRCGroup.fecFR) else { continue }
            isRepair.insert(group.ssrcs[1])
            if Lex.same(group.semantics, SSRCGroup.fid), repair[group.ssrcs[0]] == nil {
                repair[group.ssrcs[0]] = group.ssrcs[1]
            }
        }
        var bySSRC: [UInt32: [SSRCAttribute]] = [:]
        for attribute in media.ssrcs { bySSRC[attribute.ssrc, default: []].append(attribute) }
        return order.filter { !isRepair.contains($0) || repair[$0] != nil }.map { ssrc in
            let attributes = bySSRC[ssrc] ?? []
            let cname = attributes.first { Lex.same($0.name, "cname") }?.value
            let msid = attributes.first { Lex.same($0.name, "msid") }?.value.flatMap { value in
                try? MediaStreamID(parsing: value, line: 0)
            }
            return SSRCStream(ssrc: ssrc, rtxSSRC: repair[ssrc], cname: cname, msid: msid)
        }
    }
}

extension SessionDescription {
    /// The per-section view of this description (see ``SessionSummary``).
    public func summary() -> SessionSummary { SessionSummary(self) }
}
