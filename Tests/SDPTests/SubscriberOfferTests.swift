import Testing
import SDP

@Suite("Subscriber offers")
struct SubscriberOfferTests {
    static func audio(_ id: String, ssrc: UInt32) -> OutgoingTrack {
        OutgoingTrack(trackID: id, streamID: "stream-\(id)", kind: .audio, codec: .opus(), ssrc: ssrc, cname: "pub")
    }

    static func video(_ id: String, ssrc: UInt32) -> OutgoingTrack {
        OutgoingTrack(
            trackID: id, streamID: "stream-\(id)", kind: .video, codec: .vp8(), ssrc: ssrc, rtxSSRC: ssrc + 1,
            cname: "pub"
        )
    }

    @Test func firstOffer() throws {
        var offerer = SubscriberOfferer(sessionID: 7, transport: serverTransport)
        let offer = try offerer.offer(for: [Self.audio("a1", ssrc: 100), Self.video("v1", ssrc: 200)])
        let description = offer.description
        #expect(offer.mids == ["a1": "0", "v1": "1"])
        #expect(description.origin.sessionID == 7 && description.origin.sessionVersion == 1)
        #expect(description.bundleMids == ["0", "1"])
        #expect(description.iceLite)
        #expect(try SessionDescription(parsing: description.serialize()) == description)

        let text = lines(of: description)
        for line in [
            "m=audio 40000 UDP/TLS/RTP/SAVPF 111", "m=video 40000 UDP/TLS/RTP/SAVPF 96 97", "a=setup:actpass",
            "a=sendonly", "a=msid:stream-v1 v1", "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96", "a=rtcp-fb:96 nack pli", "a=ssrc-group:FID 200 201",
            "a=ssrc:200 cname:pub", "a=ssrc:201 msid:stream-v1 v1", "a=ssrc:100 msid:stream-a1 a1",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid", "a=rtcp-mux", "a=rtcp-rsize", "a=ice-ufrag:srvU",
            "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host", "a=end-of-candidates",
        ] {
            #expect(text.contains(line), "offer lacks \(line)")
        }
        // Read back through the summary as the SFU would read a client's description.
        let summary = description.summary()
        #expect(summary.media[1].streams == [
            SSRCStream(ssrc: 200, rtxSSRC: 201, cname: "pub", msid: MediaStreamID(streamID: "stream-v1", trackID: "v1")),
        ])
        #expect(summary.media[1].codecs == [Codec.vp8()])
    }

    /// Removed tracks go inactive in place; their sections are reused by a
    /// new track of the same kind in a later offer; mids never change.
    @Test func renegotiation() throws {
        var offerer = SubscriberOfferer(sessionID: 7, transport: serverTransport)
        let a1 = Self.audio("a1", ssrc: 100), v1 = Self.video("v1", ssrc: 200)
        let v2 = Self.video("v2", ssrc: 300), a2 = Self.audio("a2", ssrc: 400), v3 = Self.video("v3", ssrc: 500)
        _ = try offerer.offer(for: [a1, v1])

        // v1 removed, v2 added in the same offer: v2 must not take v1's section yet.
        let second = try offerer.offer(for: [a1, v2])
        #expect(second.description.origin.sessionVersion == 2)
        #expect(second.mids == ["a1": "0", "v2": "2"])
        #expect(second.description.media.map(\.direction) == [.sendonly, .inactive, .sendonly])
        let inactive = second.description.media[1]
        #expect(inactive.mid == "1" && inactive.port == 40000 && inactive.msids.isEmpty && inactive.ssrcs.isEmpty)
        #expect(inactive.formats == ["96", "97"])
        #expect(second.description.bundleMids == ["0", "1", "2"])

        // v3 reuses the inactive section "1"; a2 gets a new one.
        let third = try offerer.offer(for: [a1, v2, v3, a2])
        #expect(third.mids == ["a1": "0", "v3": "1", "v2": "2", "a2": "3"])
        #expect(third.description.media.map(\.direction) == [.sendonly, .sendonly, .sendonly, .sendonly])
        #expect(third.description.media[1].msids == [MediaStreamID(streamID: "stream-v3", trackID: "v3")])
        #expect(offerer.slots.map(\.mid) == ["0", "1", "2", "3"])

        // Everything removed: all sections stay, all inactive.
        let fourth = try offerer.offer(for: [])
        #expect(fourth.mids.isEmpty)
        #expect(fourth.description.media.allSatisfy { $0.direction == .inactive })
        #expect(try SessionDescription(parsing: fourth.description.serialize()) == fourth.description)
    }

    @Test func audioWithoutRTX() throws {
        var offerer = SubscriberOfferer(sessionID: 1, transport: serverTransport)
        var track = Self.audio("a", ssrc: 5)
        track.rtxSSRC = 6  // ignored: the codec has no RTX payload type
        let offer = try offerer.offer(for: [track])
        #expect(offer.description.media[0].ssrcGroups.isEmpty)
        #expect(Set(offer.description.media[0].ssrcs.map(\.ssrc)) == [5])
    }

    @Test func invalidTracksAreRefused() {
        var offerer = SubscriberOfferer(sessionID: 1, transport: serverTransport)
        var bad = Self.audio("a", ssrc: 1)
        bad.streamID = "has space"
        #expect(throws: SDPError.invalidParameter(name: "stream id", value: "has space")) {
            try offerer.offer(for: [bad])
        }
        bad = Self.audio("a\r\na=evil", ssrc: 1)
        #expect(throws: SDPError.invalidParameter(name: "track id", value: "a\r\na=evil")) {
            try offerer.offer(for: [bad])
        }
        #expect(throws: SDPError.invalidParameter(name: "duplicate track id", value: "a")) {
            try offerer.offer(for: [Self.audio("a", ssrc: 1), Self.audio("a", ssrc: 2)])
        }
        var data = Self.audio("d", ssrc: 1)
        data.kind = .application
        #expect(throws: SDPError.invalidParameter(name: "kind", value: "application")) {
            try offerer.offer(for: [data])
        }
        #expect(offerer.slots.isEmpty)
    }

    /// A publisher's negotiated codec goes straight into a subscriber offer.
    @Test func forwardsNegotiatedPublisherCodec() throws {
        let answer = try PublisherAnswerer().answer(
            to: Fixture.chromiumAudioVideo.parsed, transport: serverTransport, origin: answerOrigin
        )
        var offerer = SubscriberOfferer(sessionID: 1, transport: serverTransport)
        let tracks = answer.media.enumerated().compactMap { index, media -> OutgoingTrack? in
            guard let codec = media.codecs.first, let msid = media.offered.msid else { return nil }
            return OutgoingTrack(
                trackID: msid.trackID ?? "t\(index)", streamID: msid.streamID, kind: media.kind, codec: codec,
                ssrc: UInt32(1000 + index), rtxSSRC: UInt32(2000 + index), cname: "sfu"
            )
        }
        let offer = try offerer.offer(for: tracks)
        #expect(offer.description.media.map { $0.codecs.first?.name } == ["opus", "VP8"])
        #expect(offer.description.media[1].codecs.first?.rtxPayloadType == 97)
    }
}
