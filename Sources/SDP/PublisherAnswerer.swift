/// Builds the SFU's answer to a publisher's offer (RFC 8829 §5.3, RFC 3264
/// §6) on the publisher peer connection: the client sends, the SFU receives.
///
/// Per offered media section, in order (an answer keeps every m= line):
/// - audio/video over an RTP profile, with rtcp-mux and at least one codec
///   of ``Configuration/codecs``, offered `sendonly` or `sendrecv` →
///   accepted `recvonly`; offered `recvonly`/`inactive` → accepted `inactive`;
/// - everything else (data channels, rejected sections, unknown codecs, no
///   rtcp-mux: the SFU has one port and no RTCP component) → rejected with
///   port 0 (RFC 3264 §6).
///
/// Codecs the configuration supports are listed in the offer's order — the
/// client's preference, which the browser then sends — and keep the offer's payload type
/// numbers, as do header extensions their ids. Each primary codec keeps its
/// RTX format when retransmission is on. Offered simulcast (`a=simulcast:send`
/// with `a=rid:x send`) is answered `a=rid:x recv` + `a=simulcast:recv`.
///
/// DTLS role: an offer's `actpass` (what JSEP offers always say) is answered
/// `passive`, so the SFU is the DTLS server and the browser, which as the
/// full-ICE agent also starts the connectivity checks, sends the
/// ClientHello. `active` is answered `passive`, `passive` with `active`
/// (RFC 5763 §5).
public struct PublisherAnswerer: Sendable {
    /// What the SFU accepts. Defaults: Opus; VP8, H.264 (packetization-mode
    /// 1, baseline family), VP9 profile 0, AV1 (what the SFU forwards; the
    /// offer's order decides the preference);
    /// RTX on; ``HeaderExtensionCapability/defaults``; simulcast up to 3
    /// layers.
    public struct Configuration: Sendable, Hashable {
        public var codecs: [CodecCapability]
        /// Keep each accepted codec's RTX format (RFC 4588).
        public var retransmission: Bool
        public var headerExtensions: [HeaderExtensionCapability]
        /// Accept RID-based simulcast (RFC 8853).
        public var simulcast: Bool
        /// Most simulcast streams accepted per section (the first ones offered).
        public var maxSimulcastLayers: Int

        public init(
            codecs: [CodecCapability] = [.opus, .vp8, .h264, .vp9, .av1],
            retransmission: Bool = true,
            headerExtensions: [HeaderExtensionCapability] = HeaderExtensionCapability.defaults,
            simulcast: Bool = true,
            maxSimulcastLayers: Int = 3
        ) {
            self.codecs = codecs
            self.retransmission = retransmission
            self.headerExtensions = headerExtensions
            self.simulcast = simulcast
            self.maxSimulcastLayers = maxSimulcastLayers
        }
    }

    public var configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Answers `offer` with the SFU's `transport` (ICE-lite: its candidates
    /// and `a=end-of-candidates` go into every accepted section).
    ///
    /// - Parameter origin: the answer's `o=` line; increment
    ///   `sessionVersion` for each new answer on the same connection.
    /// - Throws: ``SDPError/invalidParameter(name:value:)`` for transport
    ///   values that cannot be written; ``SDPError/missingAttribute(name:mid:)``
    ///   when an accepted section has no ICE credentials or fingerprint.
    public func answer(
        to offer: SessionDescription, transport: TransportParameters, origin: Origin
    ) throws(SDPError) -> PublisherAnswer {
        try transport.validate()
        let summary = offer.summary()
        var answer = SessionDescription(origin: origin)
        answer.iceLite = true
        answer.extmapAllowMixed = summary.extmapAllowMixed
        var negotiated: [NegotiatedMedia] = []
        for (index, offered) in summary.media.enumerated() {
            let result = try negotiate(offered, formats: offer.media[index].payloadFormats)
            negotiated.append(result)
            answer.media.append(
                try section(for: result, offered: offer.media[index], transport: transport)
            )
        }
        let accepted = Set(negotiated.filter(\.isAccepted).compactMap(\.mid))
        for group in summary.bundleGroups {
            let mids = group.filter(accepted.contains)
            if !mids.isEmpty { answer.groups.append(.bundle(mids)) }
        }
        return PublisherAnswer(description: answer, media: negotiated)
    }

    private func negotiate(_ offered: MediaSummary, formats: [Codec]) throws(SDPError) -> NegotiatedMedia {
        func rejected(_ reason: RejectionReason) -> NegotiatedMedia {
            NegotiatedMedia(offered: offered, outcome: .rejected(reason))
        }
        if offered.isRejected { return rejected(.rejectedInOffer) }
        guard offered.kind == .audio || offered.kind == .video, MediaDescription.isRTPProto(offered.proto) else {
            return rejected(.unsupportedMedia)
        }
        guard offered.rtcpMux else { return rejected(.rtcpMuxRequired) }
        let codecs = chooseCodecs(offered)
        guard !codecs.isEmpty else { return rejected(.noCommonCodec) }
        guard offered.iceCredentials != nil else { throw .missingAttribute(name: "ice-ufrag", mid: offered.mid) }
        guard !offered.fingerprints.isEmpty else { throw .missingAttribute(name: "fingerprint", mid: offered.mid) }
        if offered.setup == .holdconn { throw .invalidParameter(name: "offered a=setup", value: "holdconn") }
        var result = NegotiatedMedia(offered: offered, outcome: .accepted(offered.direction.sends ? .recvonly : .inactive))
        result.codecs = codecs
        for format in formats where format.isRTX && codecs.contains(where: { $0.rtxPayloadType == format.payloadType }) {
            result.rtxParameters[format.payloadType] = format.parameters
        }
        result.extensions = chooseExtensions(offered)
        (result.rids, result.simulcast) = chooseSimulcast(offered, codecs: codecs)
        return result
    }

    private func chooseCodecs(_ offered: MediaSummary) -> [Codec] {
        // The client's order wins (JSEP: its first codec is its preference,
        // e.g. after setCodecPreferences); the configuration says what the
        // SFU can forward at all.
        var chosen: [Codec] = []
        for offeredCodec in offered.codecs {
            guard let capability = configuration.codecs.first(where: {
                $0.kind == offered.kind && $0.matches(offeredCodec, kind: offered.kind)
            }), !chosen.contains(where: { $0.payloadType == offeredCodec.payloadType }) else { continue }
            var codec = offeredCodec
            var feedback: [FeedbackType] = []
            for item in codec.feedback where capability.feedback.contains(where: item.matches)
                && !feedback.contains(where: item.matches) {
                feedback.append(item)
            }
            codec.feedback = feedback
            if !configuration.retransmission { codec.rtxPayloadType = nil }
            chosen.append(codec)
        }
        return chosen
    }

    private func chooseExtensions(_ offered: MediaSummary) -> [ExtensionMap] {
        var chosen: [ExtensionMap] = []
        for map in offered.extensions where (1...255).contains(map.id) && map.id != 15 {
            guard configuration.headerExtensions.contains(where: {
                Lex.same($0.uri, map.uri) && $0.kinds.contains(offered.kind)
            }) else { continue }
            guard !chosen.contains(where: { $0.id == map.id || Lex.same($0.uri, map.uri) }) else { continue }
            switch map.direction {
            case nil:
                chosen.append(ExtensionMap(id: map.id, uri: map.uri))
            case .sendonly?, .sendrecv?:
                chosen.append(ExtensionMap(id: map.id, uri: map.uri, direction: .recvonly))
            case .recvonly?, .inactive?:
                continue
            }
        }
        return chosen
    }

    /// Accepted simulcast: each offered send stream keeps the alternatives
    /// that have an `a=rid:... send` line whose `pt=` list (if any) names an
    /// accepted payload type; at most `maxSimulcastLayers` streams.
    private func chooseSimulcast(_ offered: MediaSummary, codecs: [Codec]) -> ([RID], Simulcast?) {
        guard configuration.simulcast, let simulcast = offered.simulcast, !simulcast.send.isEmpty else {
            return ([], nil)
        }
        let acceptedTypes = Set(codecs.flatMap { [$0.payloadType] + [$0.rtxPayloadType].compactMap { $0 } })
        var rids: [RID] = []
        var streams: [[SimulcastRID]] = []
        for alternatives in simulcast.send where streams.count < configuration.maxSimulcastLayers {
            var stream: [SimulcastRID] = []
            for item in alternatives where !rids.contains(where: { Lex.same($0.id, item.rid) }) {
                guard let rid = offered.rids.first(where: { $0.direction == .send && Lex.same($0.id, item.rid) })
                else { continue }
                let types = rid.payloadTypes
                let kept = types.filter(acceptedTypes.contains)
                guard types.isEmpty || !kept.isEmpty else { continue }
                var parameters = rid.parameters
                if !types.isEmpty, let index = parameters.firstIndex(where: { Lex.same($0.name, "pt") }) {
                    parameters[index].value = kept.map { "\($0)" }.joined(separator: ",")
                }
                rids.append(RID(id: rid.id, direction: .recv, parameters: parameters))
                stream.append(item)
            }
            if !stream.isEmpty { streams.append(stream) }
        }
        return streams.isEmpty ? ([], nil) : (rids, Simulcast(receive: streams))
    }
}
