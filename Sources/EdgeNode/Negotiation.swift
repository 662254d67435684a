import DTLS
import RTP
import SDP
import SFU

/// Glue between the SDP module's offer/answer builders and the media engine:
/// what a publisher offer means for producers, and what a subscriber offer
/// carries for consumers.
enum Negotiation {
    /// The abs-send-time id of server offers (SubscriberOfferer's default extensions).
    static let subscriberAbsSendTimeID: UInt8 = {
        let id = SubscriberOfferer.defaultExtensions.first { $0.uri == HeaderExtensionURI.absSendTime }?.id ?? 2
        return UInt8(clamping: id)
    }()

    /// How a consumer renumbers the publisher's header extensions: only
    /// abs-send-time is kept (and rewritten with the node's send time).
    static func consumerExtensionMap(publisher: NegotiatedExtensions) -> RTPExtensionIDMap {
        guard let id = publisher.absSendTime,
              let map = try? RTPExtensionIDMap([id: subscriberAbsSendTimeID])
        else { return .dropAll }
        return map
    }

    /// ICE credentials, fingerprints and our DTLS role from a remote description
    /// (session level, or the first media section that has them).
    static func remoteParameters(of description: SessionDescription) throws(NodeControlError) -> RemoteTransportParameters {
        let first = description.media.first { $0.port != 0 } ?? description.media.first
        guard let ufrag = first?.iceUfrag ?? description.iceUfrag,
              let password = first?.icePwd ?? description.icePwd
        else { throw .sdpInvalid("no a=ice-ufrag/a=ice-pwd") }
        let sdpFingerprints = (first?.fingerprints.isEmpty == false ? first?.fingerprints : nil) ?? description.fingerprints
        var fingerprints: [DTLSFingerprint] = []
        for fingerprint in sdpFingerprints {
            if let parsed = try? DTLSFingerprint(sdpValue: "\(fingerprint.hashFunction) \(fingerprint.hexDigest)") {
                fingerprints.append(parsed)
            }
        }
        guard !fingerprints.isEmpty else { throw .sdpInvalid("no usable a=fingerprint (sha-256/384/512)") }
        let setup = first?.setup ?? description.setup
        // RFC 5763 §5: an offerer says actpass (we answer passive: DTLS
        // server) or active/passive; an answerer to our actpass says active
        // (we are server) or passive (we are client).
        let role: DTLSRole
        switch setup {
        case .passive?: role = .client
        default: role = .server
        }
        return RemoteTransportParameters(ufrag: ufrag, password: password, fingerprints: fingerprints, localDTLSRole: role)
    }

    /// What publishers may send. transport-cc is left out (feedback and
    /// header extension) until the node sends transport-wide feedback: a
    /// browser that negotiated it would wait for that feedback and keep its
    /// send rate at the start value; without it, it follows the node's REMB.
    static let publisherAnswerer: PublisherAnswerer = {
        var configuration = PublisherAnswerer.Configuration()
        configuration.codecs = configuration.codecs.map { codec in
            var codec = codec
            codec.feedback.removeAll { $0 == .transportCC }
            return codec
        }
        configuration.headerExtensions.removeAll { $0.uri == HeaderExtensionURI.transportWideCC }
        return PublisherAnswerer(configuration: configuration)
    }()

    static func transportParameters(
        ufrag: String, password: String, certificate: DTLSCertificate, candidates: [ICECandidate]
    ) -> TransportParameters {
        let fingerprint = certificate.fingerprint(.sha256)
        return TransportParameters(
            credentials: ICECredentials(ufrag: ufrag, pwd: password),
            fingerprint: Fingerprint(hashFunction: "sha-256", bytes: fingerprint.bytes),
            candidates: candidates)
    }

    /// What the node receives in an accepted section of a publisher answer.
    static func receivedTrack(_ media: NegotiatedMedia) -> ReceivedTrack? {
        guard case .accepted(let direction) = media.outcome, direction == .recvonly,
              let mid = media.mid, let codec = media.codecs.first(where: { !$0.isRTX })
        else { return nil }
        let kind: SFU.MediaKind
        switch media.kind {
        case .audio: kind = .audio
        case .video: kind = .video
        default: return nil
        }
        func id(_ uri: String) -> UInt8? {
            media.extensionID(for: uri).flatMap { $0 <= 14 ? UInt8($0) : nil }
        }
        let extensions = NegotiatedExtensions(
            mid: id(HeaderExtensionURI.mid), rid: id(HeaderExtensionURI.rtpStreamID),
            repairedRid: id(HeaderExtensionURI.repairedRTPStreamID), audioLevel: id(HeaderExtensionURI.audioLevel),
            absSendTime: id(HeaderExtensionURI.absSendTime), transportWideCC: id(HeaderExtensionURI.transportWideCC))
        return ReceivedTrack(
            mid: mid, kind: kind, codec: codec.name, payloadType: codec.payloadType, clockRate: codec.clockRate,
            channels: codec.channels, formatParameters: codec.parameters.isEmpty ? nil : codec.parameters,
            rids: media.ridIDs,
            ssrcs: media.offered.streams.map(\.ssrc),
            rtxSSRCs: media.offered.streams.compactMap(\.rtxSSRC),
            extensions: extensions,
            rtxPayloadType: media.codecs.first(where: \.isRTX)?.payloadType)
    }

    /// The codec a consumer offers its subscriber: the producer's, without RTX.
    static func outgoingCodec(of producer: Producer) -> Codec {
        Codec(
            payloadType: producer.payloadType, name: producer.codec, clockRate: producer.clockRate,
            channels: producer.kind == .audio ? 2 : nil, parameters: producer.formatParameters ?? "",
            feedback: producer.kind == .video
                ? [.nack, .pli, .fir, FeedbackType(type: "goog-remb")]
                : [])
    }
}
