// fuzz-modules: SDP
// Parses arbitrary bytes (as lossy UTF-8) as SDP; a description that parses
// must serialize to text that parses back to an equal description and
// serializes identically. Every parsed description is also summarized and
// answered as a publisher offer, the answer must round-trip too, and its
// accepted codecs are fed into a subscriber offer that must round-trip.

private let fuzzTransport = TransportParameters(
    credentials: ICECredentials(ufrag: "fuzz", pwd: "fuzzfuzzfuzzfuzzfuzzfuzz"),
    fingerprint: Fingerprint(hashFunction: "sha-256", bytes: Array(repeating: 0xAB, count: 32)),
    candidates: [
        .host(address: "127.0.0.1", port: 40000),
        .host(address: "127.0.0.1", port: 40000, transport: .tcp),
    ]
)

private func checkRoundTrip(_ description: SessionDescription, _ what: String) {
    let text = description.serialize()
    let again: SessionDescription
    do {
        again = try SessionDescription(parsing: text)
    } catch {
        fatalError("\(what): serialized text does not parse: \(error)\n\(text)")
    }
    if again != description { fatalError("\(what): round trip changed the description\n\(text)") }
    if again.serialize() != text { fatalError("\(what): serialization is not stable\n\(text)") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let candidate = try? ICECandidate(parsing: text) {
        guard (try? ICECandidate(parsing: candidate.candidateString)) == candidate else {
            fatalError("candidate round trip failed: \(candidate.candidateString)")
        }
    }
    guard let offer = try? SessionDescription(parsing: text) else { return 0 }
    checkRoundTrip(offer, "offer")
    let summary = offer.summary()
    if summary.media.count != offer.media.count { fatalError("summary lost sections") }

    guard let answer = try? PublisherAnswerer().answer(
        to: offer, transport: fuzzTransport, origin: Origin(sessionID: 1, sessionVersion: 1)
    ) else { return 0 }
    if answer.description.media.count != offer.media.count { fatalError("answer changed the section count") }
    checkRoundTrip(answer.description, "answer")

    var tracks: [OutgoingTrack] = []
    for (index, media) in answer.media.enumerated() {
        guard let codec = media.codecs.first else { continue }
        tracks.append(OutgoingTrack(
            trackID: "t\(index)", streamID: "s", kind: media.kind, codec: codec,
            ssrc: UInt32(truncatingIfNeeded: index + 1), rtxSSRC: UInt32(truncatingIfNeeded: index + 1000),
            cname: "c"
        ))
    }
    var offerer = SubscriberOfferer(sessionID: 1, transport: fuzzTransport)
    if let first = try? offerer.offer(for: tracks) {
        checkRoundTrip(first.description, "subscriber offer")
        if let second = try? offerer.offer(for: Array(tracks.dropFirst())) {
            checkRoundTrip(second.description, "subscriber re-offer")
        }
    }
    return 0
}
