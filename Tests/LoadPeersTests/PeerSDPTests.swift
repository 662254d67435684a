import DTLS
import LoadPeers
import SDP
import Testing

/// A fixed local transport so SDP output is deterministic.
private func localTransport(port: UInt16 = 50000) throws -> LocalTransportDescription {
    // sha-256 digest bytes 0x00...0x1F.
    let fingerprint = try DTLSFingerprint(algorithm: .sha256, bytes: (0..<32).map { UInt8($0) })
    return LocalTransportDescription(
        ufrag: "peerUfrg", password: "peerPasswordPeerPassword", fingerprint: fingerprint, host: "127.0.0.1", port: port)
}

private let serverTransport = TransportParameters(
    credentials: ICECredentials(ufrag: "sfuUfrag", pwd: "sfuPasswordSfuPassword12"),
    fingerprint: Fingerprint(hashFunction: "sha-256", bytes: [UInt8](repeating: 0xAB, count: 32)),
    candidates: [ICECandidate.host(address: "127.0.0.1", port: 40000)])

@Suite("Publisher offer and subscriber answer SDP")
struct PeerSDPTests {
    @Test("the SFU's parser and publisher answerer accept the offer", arguments: [false, true])
    func publisherOfferIsAccepted(withAudio: Bool) throws {
        let offer = PublisherOffer(transport: try localTransport(), videoSSRC: 0x1234_5678, audioSSRC: withAudio ? 0x0BAD_CAFE : nil)
        let parsed = try SessionDescription(parsing: offer.sdp)
        #expect(parsed.media.count == (withAudio ? 2 : 1))
        #expect(parsed.bundleMids == (withAudio ? ["0", "1"] : ["0"]))
        let video = try #require(parsed.media.first)
        #expect(video.kind == .video)
        #expect(video.direction == .sendonly)
        #expect(video.setup == .actpass)
        #expect(video.rtcpMux)
        #expect(video.iceUfrag == "peerUfrg")
        #expect(video.fingerprints.first?.hashFunction == "sha-256")
        #expect(video.codecs.map(\.name) == ["VP8"])
        #expect(video.ssrcs.map(\.ssrc).allSatisfy { $0 == 0x1234_5678 })

        let answer = try PublisherAnswerer().answer(
            to: parsed, transport: serverTransport, origin: Origin(sessionID: 1, sessionVersion: 1))
        #expect(answer.media.count == parsed.media.count)
        for media in answer.media {
            #expect(media.outcome == .accepted(.recvonly))
        }
        #expect(answer.media[0].offered.streams.map(\.ssrc) == [0x1234_5678])
        #expect(answer.media[0].codecs.first?.name == "VP8")
        if withAudio {
            #expect(answer.media[1].codecs.first?.name == "opus")
            #expect(answer.media[1].offered.streams.map(\.ssrc) == [0x0BAD_CAFE])
        }
        // The SFU answers an actpass offer passive: it is the DTLS server.
        #expect(answer.description.media.first?.setup == .passive)
        let remote = try RemoteTransportDescription(answer.description)
        #expect(remote.ufrag == "sfuUfrag")
        #expect(remote.password == "sfuPasswordSfuPassword12")
        #expect(remote.candidateHost == "127.0.0.1")
        #expect(remote.candidatePort == 40000)
        #expect(remote.fingerprints.first?.algorithm == .sha256)
    }

    @Test("the subscriber answers a server offer recvonly, setup active, same codec, BUNDLE")
    func subscriberAnswer() throws {
        var offerer = SubscriberOfferer(sessionID: 42, transport: serverTransport)
        let tracks = [
            OutgoingTrack(trackID: "TRvideo", streamID: "pub", kind: .video, codec: .vp8(payloadType: 96, rtxPayloadType: nil),
                          ssrc: 1111, cname: "c"),
            OutgoingTrack(trackID: "TRaudio", streamID: "pub", kind: .audio, codec: .opus(), ssrc: 2222, cname: "c"),
        ]
        let offer = try offerer.offer(for: tracks).description
        let remote = try RemoteTransportDescription(sdp: offer.serialize())
        #expect(remote.streams.map(\.ssrc) == [1111, 2222])
        #expect(remote.streams.map(\.kind) == [.video, .audio])
        #expect(remote.setup == .actpass)

        let answerText = try SubscriberAnswer(transport: try localTransport()).answer(toSDP: offer.serialize())
        let answer = try SessionDescription(parsing: answerText)
        #expect(answer.media.count == 2)
        #expect(answer.bundleMids == ["0", "1"])
        for (index, media) in answer.media.enumerated() {
            #expect(media.mid == offer.media[index].mid)
            #expect(media.direction == .recvonly)
            #expect(media.setup == .active)
            #expect(media.rtcpMux)
            #expect(media.iceUfrag == "peerUfrg")
            #expect(media.codecs.first?.payloadType == offer.media[index].codecs.first?.payloadType)
        }
        // What the SFU reads from the answer: our credentials and an active setup.
        let summary = answer.summary()
        #expect(summary.media.first?.iceCredentials == ICECredentials(ufrag: "peerUfrg", pwd: "peerPasswordPeerPassword"))
        #expect(summary.media.first?.setup == .active)
    }

    /// Chrome's simulcast video section (Tests/SDPTests/Fixtures/chromium_simulcast.sdp):
    /// extmap 4 sdes:mid and 10 rtp-stream-id, `a=rid:q/h/f send`,
    /// `a=simulcast:send q;h;f`, no `a=ssrc` lines.
    @Test("a simulcast offer has Chrome's rid lines and extensions, and the SFU's answerer accepts every layer")
    func simulcastOfferIsAccepted() throws {
        let offer = PublisherOffer(
            transport: try localTransport(), videoSSRC: 0x1234_5678, audioSSRC: 0x0BAD_CAFE, simulcastRIDs: ["q", "h", "f"])
        let text = offer.sdp
        for line in [
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
            "a=rid:q send", "a=rid:h send", "a=rid:f send", "a=simulcast:send q;h;f",
        ] {
            #expect(text.contains(line + "\r\n"), "missing \(line)")
        }
        let parsed = try SessionDescription(parsing: text)
        let video = try #require(parsed.media.first)
        #expect(video.kind == .video && video.mid == "0" && video.direction == .sendonly)
        #expect(video.ssrcs.isEmpty, "simulcast layers are announced by rid, not a=ssrc")
        #expect(video.rids.map(\.id) == ["q", "h", "f"])
        #expect(video.rids.allSatisfy { $0.direction == .send })
        #expect(video.simulcast?.send.map { $0.map(\.rid) } == [["q"], ["h"], ["f"]])
        #expect(video.msids.first?.trackID == "video")
        // The audio section stays as without simulcast.
        #expect(parsed.media[1].ssrcs.map(\.ssrc).allSatisfy { $0 == 0x0BAD_CAFE })

        let answer = try PublisherAnswerer().answer(
            to: parsed, transport: serverTransport, origin: Origin(sessionID: 1, sessionVersion: 1))
        let answered = try #require(answer.media.first)
        #expect(answered.outcome == .accepted(.recvonly))
        #expect(answered.ridIDs == ["q", "h", "f"])
        #expect(answered.extensionID(for: HeaderExtensionURI.mid) == 4)
        #expect(answered.extensionID(for: HeaderExtensionURI.rtpStreamID) == 10)
        let answerText = answer.description.serialize()
        #expect(answerText.contains("a=simulcast:recv q;h;f\r\n"))
    }

    @Test("without simulcast the offer has no rid, simulcast or extmap lines")
    func singleLayerOfferIsUnchanged() throws {
        let text = PublisherOffer(transport: try localTransport(), videoSSRC: 7).sdp
        #expect(!text.contains("a=rid:") && !text.contains("a=simulcast:") && !text.contains("a=extmap:"))
        #expect(text.contains("a=ssrc:7 cname:loadpeer\r\n"))
    }

    @Test("a server offer without credentials or candidates is refused")
    func incompleteRemote() throws {
        var offerer = SubscriberOfferer(sessionID: 1, transport: TransportParameters(
            credentials: serverTransport.credentials, fingerprint: serverTransport.fingerprint, candidates: []))
        let offer = try offerer.offer(for: [
            OutgoingTrack(trackID: "T", streamID: "s", kind: .video, codec: .vp8(), ssrc: 1, cname: "c"),
        ]).description
        #expect(throws: LoadPeersError.noCandidate) { try RemoteTransportDescription(offer) }
        var stripped = offer
        stripped.media[0].iceUfrag = nil
        #expect(throws: LoadPeersError.self) { try RemoteTransportDescription(stripped) }
    }
}
