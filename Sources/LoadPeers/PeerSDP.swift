import DTLS
import SDP

/// What a simulated peer puts into its own SDP: ICE credentials, the DTLS
/// certificate fingerprint and its one host candidate.
public struct LocalTransportDescription: Sendable, Hashable {
    public var ufrag: String
    public var password: String
    /// sha-256 of the peer's DTLS certificate.
    public var fingerprint: DTLSFingerprint
    /// The peer's UDP socket (a host candidate; the ICE-lite server learns
    /// the real address from our checks anyway).
    public var host: String
    public var port: UInt16

    public init(ufrag: String, password: String, fingerprint: DTLSFingerprint, host: String, port: UInt16) {
        self.ufrag = ufrag
        self.password = password
        self.fingerprint = fingerprint
        self.host = host
        self.port = port
    }

    /// Fresh random credentials (RFC 8445 §5.3: ufrag ≥ 4, pwd ≥ 22 ice-chars).
    public static func random(fingerprint: DTLSFingerprint, host: String, port: UInt16) -> LocalTransportDescription {
        LocalTransportDescription(
            ufrag: ICECharacters.random(count: 8), password: ICECharacters.random(count: 24),
            fingerprint: fingerprint, host: host, port: port)
    }

    /// Writes credentials, fingerprint, setup role, candidate and rtcp-mux into a section.
    func apply(to media: inout MediaDescription, setup: SetupRole) {
        media.connections = [ConnectionData(address: "0.0.0.0")]
        media.iceUfrag = ufrag
        media.icePwd = password
        media.fingerprints = [Fingerprint(hashFunction: fingerprint.algorithm.rawValue, bytes: fingerprint.bytes)]
        media.setup = setup
        media.rtcpMux = true
        media.candidates = [ICECandidate(
            foundation: "1", transport: .udp, priority: (126 << 24) | (65535 << 8) | 255,
            address: host, port: port, type: .host)]
        media.endOfCandidates = true
    }
}

/// Random ICE characters (RFC 8445 §5.3 ice-char: ALPHA / DIGIT / "+" / "/").
enum ICECharacters {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func random(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for _ in 0..<count { bytes.append(alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))]) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The publisher's offer (RFC 8829 §5.2.1 shape, as a browser writes it):
/// one sendonly VP8 section and optionally one sendonly Opus section,
/// BUNDLE, rtcp-mux, `a=setup:actpass`, `a=ssrc` lines with cname and msid.
///
/// With simulcast rids the video section is Chrome's simulcast offer
/// instead (RFC 8853 §5): `a=extmap` for sdes:mid (id 4) and
/// rtp-stream-id (id 10), `a=rid:<rid> send` per layer,
/// `a=simulcast:send q;h;f`, and no `a=ssrc` lines: the SFU learns each
/// layer's SSRC from the mid and rid extensions of its first packet.
public struct PublisherOffer: Sendable, Hashable {
    /// Payload type of VP8 in the offer (Chrome's usual 96).
    public static let vp8PayloadType: UInt8 = 96
    /// Payload type of Opus (Chrome's 111).
    public static let opusPayloadType: UInt8 = 111
    /// Chrome's extmap ids for sdes:mid and rtp-stream-id.
    public static let midExtensionID: UInt8 = 4
    public static let rtpStreamIDExtensionID: UInt8 = 10
    /// The video section's mid.
    public static let videoMid = "0"

    public var transport: LocalTransportDescription
    /// Absent for an audio-only publisher. With simulcast it only seeds the
    /// session id (the layers' SSRCs are not in the SDP).
    public var videoSSRC: UInt32?
    /// Present when the peer also publishes audio.
    public var audioSSRC: UInt32?
    /// msid stream id and RTCP CNAME.
    public var streamID: String
    /// Simulcast rids of the video section, lowest layer first; empty: one encoding.
    public var simulcastRIDs: [String]

    public init(
        transport: LocalTransportDescription, videoSSRC: UInt32?, audioSSRC: UInt32? = nil, streamID: String = "loadpeer",
        simulcastRIDs: [String] = []
    ) {
        self.transport = transport
        self.videoSSRC = videoSSRC
        self.audioSSRC = audioSSRC
        self.streamID = streamID
        self.simulcastRIDs = simulcastRIDs
    }

    /// The offer as a session description.
    public var description: SessionDescription {
        let sessionSSRC = videoSSRC ?? audioSSRC ?? 1
        var session = SessionDescription(origin: Origin(sessionID: UInt64(sessionSSRC) << 16 | 1, sessionVersion: 2))
        session.msidSemantic = MSIDSemantic(semantic: "WMS", identifiers: [streamID])
        var sections: [MediaDescription] = []
        if let videoSSRC {
            var video = section(
                kind: .video, mid: Self.videoMid, codec: Codec(
                    payloadType: Self.vp8PayloadType, name: "VP8", clockRate: 90000,
                    feedback: [.remb, .fir, .nack, .pli]),
                ssrc: videoSSRC, trackID: "video")
            if !simulcastRIDs.isEmpty {
                video.ssrcs = []
                video.extensions = [
                    ExtensionMap(id: UInt16(Self.midExtensionID), uri: HeaderExtensionURI.mid),
                    ExtensionMap(id: UInt16(Self.rtpStreamIDExtensionID), uri: HeaderExtensionURI.rtpStreamID),
                ]
                video.rids = simulcastRIDs.map { RID(id: $0, direction: .send) }
                video.simulcast = Simulcast(send: simulcastRIDs.map { [SimulcastRID(rid: $0)] })
            }
            sections.append(video)
        }
        if let audioSSRC {
            sections.append(section(
                kind: .audio, mid: videoSSRC == nil ? "0" : "1", codec: Codec(
                    payloadType: Self.opusPayloadType, name: "opus", clockRate: 48000, channels: 2,
                    parameters: "minptime=10;useinbandfec=1"),
                ssrc: audioSSRC, trackID: "audio"))
        }
        session.groups = [.bundle(sections.compactMap(\.mid))]
        session.media = sections
        return session
    }

    /// The offer as SDP text.
    public var sdp: String { description.serialize() }

    private func section(kind: MediaKind, mid: String, codec: Codec, ssrc: UInt32, trackID: String) -> MediaDescription {
        var media = MediaDescription(kind: kind, port: 9, proto: "UDP/TLS/RTP/SAVPF", formats: [])
        transport.apply(to: &media, setup: .actpass)
        media.mid = mid
        media.direction = .sendonly
        media.rtcpReducedSize = true
        media.append(codec: codec)
        let msid = MediaStreamID(streamID: streamID, trackID: trackID)
        media.msids = [msid]
        media.ssrcs = [
            SSRCAttribute(ssrc: ssrc, name: "cname", value: streamID),
            SSRCAttribute(ssrc: ssrc, name: "msid", value: "\(streamID) \(trackID)"),
        ]
        return media
    }
}

/// The SFU's side of a connection as its SDP (answer or offer) states it.
public struct RemoteTransportDescription: Sendable, Hashable {
    public var ufrag: String
    public var password: String
    public var fingerprints: [DTLSFingerprint]
    public var setup: SetupRole?
    /// The first UDP candidate (an ICE-lite server has host candidates only).
    public var candidateHost: String
    public var candidatePort: UInt16
    /// The first TCP candidate (RFC 6544 `tcptype passive`), if the server offers ICE-TCP.
    public var tcpCandidateHost: String?
    public var tcpCandidatePort: UInt16?
    /// Every sending section of the remote side: SSRC, kind, payload type (subscriber view).
    public var streams: [RemoteStream]

    /// One stream the remote side says it sends.
    public struct RemoteStream: Sendable, Hashable {
        public var mid: String?
        public var kind: MediaKind
        public var ssrc: UInt32
        public var payloadType: UInt8?
        /// The section's msid track id (the SFU's track id, or the publisher's label).
        public var trackID: String?
    }

    /// Reads the transport parameters from the first non-rejected section
    /// (or the session level): BUNDLE shares them (RFC 8843).
    public init(_ session: SessionDescription) throws(LoadPeersError) {
        let first = session.media.first { $0.port != 0 } ?? session.media.first
        guard let ufrag = first?.iceUfrag ?? session.iceUfrag, let password = first?.icePwd ?? session.icePwd else {
            throw .remoteDescription("no a=ice-ufrag/a=ice-pwd")
        }
        let sdpFingerprints = (first?.fingerprints.isEmpty == false ? first?.fingerprints : nil) ?? session.fingerprints
        var fingerprints: [DTLSFingerprint] = []
        for fingerprint in sdpFingerprints {
            if let parsed = try? DTLSFingerprint(sdpValue: "\(fingerprint.hashFunction) \(fingerprint.hexDigest)") {
                fingerprints.append(parsed)
            }
        }
        guard !fingerprints.isEmpty else { throw .remoteDescription("no usable a=fingerprint") }
        let candidates = session.media.flatMap(\.candidates)
        // Prefer an IPv4 host candidate (Janus also lists IPv6 ones).
        let udp = candidates.filter { $0.transport == .udp }
        guard let candidate = udp.first(where: { $0.address.contains(".") }) ?? udp.first else { throw .noCandidate }
        self.ufrag = ufrag
        self.password = password
        self.fingerprints = fingerprints
        self.setup = first?.setup ?? session.setup
        self.candidateHost = candidate.address
        self.candidatePort = candidate.port
        let tcp = candidates.first { $0.transport == .tcp && $0.tcpType == .passive }
        self.tcpCandidateHost = tcp?.address
        self.tcpCandidatePort = tcp?.port
        self.streams = session.media.compactMap { media -> RemoteStream? in
            guard media.port != 0, media.direction?.sends ?? true, let ssrc = media.ssrcs.first?.ssrc else { return nil }
            return RemoteStream(
                mid: media.mid, kind: media.kind, ssrc: ssrc, payloadType: media.codecs.first?.payloadType,
                trackID: media.msids.first?.trackID)
        }
    }

    /// Parses SDP text and reads it.
    public init(sdp: String) throws(LoadPeersError) {
        let session: SessionDescription
        do {
            session = try SessionDescription(parsing: sdp)
        } catch {
            throw .remoteDescription("\(error)")
        }
        try self.init(session)
    }
}

/// The subscriber's answer to a server offer (RFC 3264 §6): every section
/// kept in order, sending sections answered `recvonly` with the offered
/// codec, inactive ones `inactive`, `a=setup:active` (the peer is the DTLS
/// client, RFC 5763 §5), BUNDLE over the accepted mids.
public struct SubscriberAnswer: Sendable, Hashable {
    public var transport: LocalTransportDescription

    public init(transport: LocalTransportDescription) {
        self.transport = transport
    }

    /// The answer to `offer`.
    public func answer(to offer: SessionDescription) throws(LoadPeersError) -> SessionDescription {
        var answer = SessionDescription(origin: Origin(sessionID: offer.origin.sessionID &+ 1, sessionVersion: 1))
        answer.msidSemantic = MSIDSemantic(semantic: "WMS", identifiers: [])
        var mids: [String] = []
        for offered in offer.media {
            var media = MediaDescription(kind: offered.kind, port: offered.port == 0 ? 0 : 9, proto: offered.proto, formats: [])
            media.mid = offered.mid
            guard offered.port != 0, let codec = offered.codecs.first else {
                media.formats = offered.formats
                answer.media.append(media)
                continue
            }
            transport.apply(to: &media, setup: .active)
            media.direction = (offered.direction ?? .sendrecv).sends ? .recvonly : .inactive
            media.rtcpReducedSize = offered.rtcpReducedSize
            var answered = codec
            answered.rtxPayloadType = nil
            media.append(codec: answered)
            if let mid = offered.mid { mids.append(mid) }
            answer.media.append(media)
        }
        guard !mids.isEmpty else { throw .remoteDescription("server offer has no media section to answer") }
        answer.groups = [.bundle(mids)]
        return answer
    }

    /// Parses the server offer's text and returns the answer's text.
    public func answer(toSDP offerSDP: String) throws(LoadPeersError) -> String {
        let offer: SessionDescription
        do {
            offer = try SessionDescription(parsing: offerSDP)
        } catch {
            throw .remoteDescription("\(error)")
        }
        return try answer(to: offer).serialize()
    }
}
