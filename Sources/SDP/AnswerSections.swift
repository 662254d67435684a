// Writing the media sections of a publisher answer.

extension PublisherAnswerer {
    func section(
        for result: NegotiatedMedia, offered: MediaDescription, transport: TransportParameters
    ) throws(SDPError) -> MediaDescription {
        guard case let .accepted(direction) = result.outcome else {
            var rejected = MediaDescription(kind: offered.kind, port: 0, proto: offered.proto, formats: offered.formats)
            rejected.connections = [ConnectionData(address: "0.0.0.0")]
            rejected.mid = offered.mid
            return rejected
        }
        let defaultCandidate = transport.defaultCandidate
        var media = MediaDescription(
            kind: offered.kind, port: defaultCandidate?.port ?? 9, proto: offered.proto, formats: []
        )
        media.connections = [ConnectionData(address: defaultCandidate?.address ?? "0.0.0.0")]
        media.candidates = transport.candidates
        media.endOfCandidates = true
        media.iceUfrag = transport.credentials.ufrag
        media.icePwd = transport.credentials.pwd
        media.fingerprints = [transport.fingerprint]
        media.setup = result.offered.setup == .passive ? .active : .passive
        media.mid = offered.mid
        media.extensions = result.extensions
        media.direction = direction
        media.rtcpMux = true
        media.rtcpReducedSize = result.offered.rtcpReducedSize
        for codec in result.codecs {
            media.append(codec: codec, rtxParameters: codec.rtxPayloadType.flatMap { result.rtxParameters[$0] })
        }
        media.rids = result.rids
        media.simulcast = result.simulcast
        return media
    }
}
