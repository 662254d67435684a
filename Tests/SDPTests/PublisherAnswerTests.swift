import Testing
import SDP

@Suite("Publisher answers")
struct PublisherAnswerTests {
    let answerer = PublisherAnswerer()

    func answer(_ fixture: Fixture) throws -> PublisherAnswer {
        try answerer.answer(to: fixture.parsed, transport: serverTransport, origin: answerOrigin)
    }

    /// Structural checks every answer must pass, for every captured offer.
    @Test(arguments: Fixture.offers)
    func answerIsWellFormed(_ fixture: Fixture) throws {
        let offer = try fixture.parsed
        let result = try answer(fixture)
        let answer = result.description
        // Round trip.
        #expect(try SessionDescription(parsing: answer.serialize()) == answer)
        // Same sections, same order, same mids and kinds (RFC 3264 §6).
        #expect(answer.media.map(\.mid) == offer.media.map(\.mid))
        #expect(answer.media.map(\.kind) == offer.media.map(\.kind))
        #expect(answer.iceLite)
        #expect(answer.origin == answerOrigin)
        // BUNDLE mirrors the accepted mids.
        let accepted = result.media.filter(\.isAccepted).compactMap(\.mid)
        #expect(answer.bundleMids == accepted)
        for (section, negotiated) in zip(answer.media, result.media) {
            if negotiated.isAccepted {
                #expect(section.port == 40000)
                #expect(section.direction == .recvonly)
                #expect(section.iceUfrag == "srvU" && section.icePwd == "serverpasswordserverpw")
                #expect(section.fingerprints == [serverTransport.fingerprint])
                #expect(section.setup == .passive)
                #expect(section.rtcpMux)
                #expect(section.candidates == serverTransport.candidates)
                #expect(section.endOfCandidates)
                #expect(section.msids.isEmpty && section.ssrcs.isEmpty)
                // Every answered payload type was offered, with the same codec.
                let offered = try #require(offer.media(withMid: negotiated.mid ?? "")).payloadFormats
                for format in section.payloadFormats {
                    let match = offered.first { $0.payloadType == format.payloadType }
                    #expect(match?.name == format.name && match?.clockRate == format.clockRate)
                }
                // Every answered extension was offered with the same id.
                let offeredMaps = try #require(offer.media(withMid: negotiated.mid ?? "")).extensions
                for map in section.extensions {
                    #expect(offeredMaps.contains { $0.id == map.id && $0.uri == map.uri })
                }
            } else {
                #expect(section.port == 0)
                #expect(section.candidates.isEmpty)
            }
        }
    }

    @Test func chromiumSimulcastAnswer() throws {
        let result = try answer(.chromiumSimulcast)
        #expect(result.media.map(\.outcome) == [.accepted(.recvonly), .accepted(.recvonly)])
        #expect(result.localSetup == .passive)
        let offer = try Fixture.chromiumSimulcast.parsed
        #expect(result.remoteCredentials == ICECredentials(ufrag: offer.media[0].iceUfrag ?? "", pwd: offer.media[0].icePwd ?? ""))
        #expect(result.remoteFingerprints == offer.media[0].fingerprints)
        let audio = result.media[0], video = result.media[1]
        #expect(audio.codecs.map(\.name) == ["opus"])
        #expect(audio.codecs[0].payloadType == 111)
        #expect(audio.codecs[0].feedback == [.transportCC])
        // Preference order VP8, H264 (pm=1 baseline family), VP9 profile 0, AV1; offer's payload types.
        #expect(video.codecs.map(\.name) == ["VP8", "H264", "H264", "AV1", "VP9"])
        #expect(video.codecs.map(\.payloadType) == [96, 102, 108, 45, 98])
        #expect(video.codecs.map(\.rtxPayloadType) == [97, 103, 109, 46, 99])
        #expect(video.codecs[0].feedback == [.remb, .transportCC, .fir, .nack, .pli])
        #expect(video.ridIDs == ["q", "h", "f"])
        #expect(video.simulcast == Simulcast(receive: [[SimulcastRID(rid: "q")], [SimulcastRID(rid: "h")], [SimulcastRID(rid: "f")]]))
        // Supported extensions keep the offer's ids; unsupported ones are dropped.
        #expect(video.extensionID(for: HeaderExtensionURI.rtpStreamID) == 10)
        #expect(video.extensionID(for: HeaderExtensionURI.repairedRTPStreamID) == 11)
        #expect(video.extensionID(for: HeaderExtensionURI.videoOrientation) == 13)
        #expect(video.extensionID(for: "urn:ietf:params:rtp-hdrext:toffset") == nil)
        #expect(audio.extensionID(for: HeaderExtensionURI.audioLevel) == 1)

        let text = lines(of: result.description)
        for line in [
            "a=group:BUNDLE 0 1", "a=ice-lite", "a=extmap-allow-mixed", "m=video 40000 UDP/TLS/RTP/SAVPF 96 97 102 103 108 109 45 46 98 99",
            "c=IN IP4 127.0.0.1", "a=rid:q recv", "a=rid:h recv", "a=rid:f recv", "a=simulcast:recv q;h;f",
            "a=fmtp:97 apt=96", "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
            "a=rtcp-fb:96 nack pli", "a=end-of-candidates", "a=recvonly", "a=setup:passive",
            "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host",
            "a=candidate:2 1 tcp \(serverTransport.candidates[1].priority) 127.0.0.1 40001 typ host tcptype passive",
        ] {
            #expect(text.contains(line), "answer lacks \(line)")
        }
        #expect(!text.contains { $0.hasPrefix("a=rtpmap:104 ") }, "packetization-mode=0 H264 must not be accepted")
        #expect(!text.contains { $0.hasPrefix("a=rtpmap:100 ") }, "VP9 profile 2 must not be accepted")
        #expect(!text.contains { $0.hasPrefix("a=rtpmap:118 ") }, "red must not be accepted")
    }

    @Test func dataChannelIsRejected() throws {
        let result = try answer(.chromiumDataChannel)
        #expect(result.media[2].outcome == .rejected(.unsupportedMedia))
        #expect(result.description.bundleMids == ["0", "1"])
        let text = lines(of: result.description)
        #expect(text.contains("m=application 0 UDP/DTLS/SCTP webrtc-datachannel"))
        #expect(text.contains("a=mid:2"))
        // sendrecv offers are answered recvonly: the SFU never sends on this connection.
        #expect(result.media[0].outcome == .accepted(.recvonly))
    }

    @Test func aiortcAnswerKeepsFIDStreams() throws {
        let result = try answer(.aiortcAudioVideo)
        let video = result.media[1]
        #expect(video.codecs.map(\.payloadType) == [97, 99, 101])
        #expect(video.offered.streams.first?.rtxSSRC != nil)
        #expect(video.offered.fingerprints.count == 3)
        #expect(result.description.media.allSatisfy { $0.fingerprints.count == 1 })
    }

    @Test func setupRoles() throws {
        for (offered, answered) in [("actpass", SetupRole.passive), ("active", .passive), ("passive", .active)] {
            let offer = try SessionDescription(parsing: minimalOffer(setup: offered))
            let result = try answerer.answer(to: offer, transport: serverTransport, origin: answerOrigin)
            #expect(result.description.media[0].setup == answered)
        }
        let holdconn = try SessionDescription(parsing: minimalOffer(setup: "holdconn"))
        #expect(throws: SDPError.invalidParameter(name: "offered a=setup", value: "holdconn")) {
            try answerer.answer(to: holdconn, transport: serverTransport, origin: answerOrigin)
        }
    }

    @Test func rejectionReasons() throws {
        let offer = try SessionDescription(parsing: sdp(header + [
            "a=group:BUNDLE a b c d", "a=ice-ufrag:abcd", "a=ice-pwd:0123456789abcdefghijkl",
            "a=fingerprint:sha-256 AB:CD", "a=setup:actpass",
            "m=audio 9 UDP/TLS/RTP/SAVPF 0", "a=mid:a", "a=rtcp-mux", "a=sendonly",          // PCMU only
            "m=audio 0 UDP/TLS/RTP/SAVPF 111", "a=mid:b", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",  // port 0
            "m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:c", "a=rtpmap:111 opus/48000/2",       // no rtcp-mux
            "m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:d", "a=rtcp-mux", "a=recvonly", "a=rtpmap:111 opus/48000/2",
        ]))
        let result = try answerer.answer(to: offer, transport: serverTransport, origin: answerOrigin)
        #expect(result.media.map(\.outcome) == [
            .rejected(.noCommonCodec), .rejected(.rejectedInOffer), .rejected(.rtcpMuxRequired), .accepted(.inactive),
        ])
        #expect(result.description.bundleMids == ["d"])
        #expect(result.description.media[3].direction == .inactive)
    }

    @Test func missingCredentialsThrow() throws {
        let noUfrag = try SessionDescription(parsing: sdp(header + [
            "m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:0", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",
            "a=fingerprint:sha-256 AB:CD",
        ]))
        #expect(throws: SDPError.missingAttribute(name: "ice-ufrag", mid: "0")) {
            try answerer.answer(to: noUfrag, transport: serverTransport, origin: answerOrigin)
        }
        let noFingerprint = try SessionDescription(parsing: sdp(header + [
            "m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:0", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",
            "a=ice-ufrag:abcd", "a=ice-pwd:0123456789abcdefghijkl",
        ]))
        #expect(throws: SDPError.missingAttribute(name: "fingerprint", mid: "0")) {
            try answerer.answer(to: noFingerprint, transport: serverTransport, origin: answerOrigin)
        }
    }

    @Test func invalidTransportIsRefused() throws {
        var transport = serverTransport
        transport.credentials.ufrag = "a b\r\n"
        let offer = try Fixture.chromiumAudioVideo.parsed
        #expect(throws: SDPError.invalidParameter(name: "ice-ufrag", value: "a b\r\n")) {
            try answerer.answer(to: offer, transport: transport, origin: answerOrigin)
        }
        transport = serverTransport
        transport.credentials.pwd = "short"
        #expect(throws: SDPError.invalidParameter(name: "ice-pwd", value: "short")) {
            try answerer.answer(to: offer, transport: transport, origin: answerOrigin)
        }
    }

    @Test func configurationLimitsCodecsRTXAndSimulcast() throws {
        let answerer = PublisherAnswerer(configuration: .init(
            codecs: [.opus, .h264], retransmission: false, simulcast: true, maxSimulcastLayers: 2
        ))
        let result = try answerer.answer(
            to: Fixture.chromiumSimulcast.parsed, transport: serverTransport, origin: answerOrigin
        )
        let video = result.media[1]
        #expect(video.codecs.map(\.payloadType) == [102, 108])
        #expect(video.codecs.allSatisfy { $0.rtxPayloadType == nil })
        #expect(video.ridIDs == ["q", "h"])
        #expect(result.description.media[1].formats == ["102", "108"])

        let noSimulcast = PublisherAnswerer(configuration: .init(simulcast: false))
        let plain = try noSimulcast.answer(
            to: Fixture.chromiumSimulcast.parsed, transport: serverTransport, origin: answerOrigin
        )
        #expect(plain.media[1].rids.isEmpty && plain.description.media[1].simulcast == nil)
    }

    @Test func ridPayloadRestrictionsFollowAcceptedCodecs() throws {
        let offer = try SessionDescription(parsing: minimalOffer(setup: "actpass", video: [
            "a=rid:lo send pt=96,100", "a=rid:hi send pt=100", "a=rid:mid send max-width=640",
            "a=simulcast:send lo;~mid;hi",
        ]))
        let result = try answerer.answer(to: offer, transport: serverTransport, origin: answerOrigin)
        let video = result.media[0]
        #expect(video.rids == [
            RID(id: "lo", direction: .recv, parameters: [RIDParameter(name: "pt", value: "96")]),
            RID(id: "mid", direction: .recv, parameters: [RIDParameter(name: "max-width", value: "640")]),
        ])
        #expect(video.simulcast == Simulcast(receive: [[SimulcastRID(rid: "lo")], [SimulcastRID(rid: "mid", paused: true)]]))
    }

    @Test func extensionDirectionsAreMirrored() throws {
        let offer = try SessionDescription(parsing: minimalOffer(setup: "actpass", video: [
            "a=extmap:1/sendonly urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=extmap:2/recvonly http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            "a=extmap:3/sendrecv urn:3gpp:video-orientation",
            "a=extmap:15 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
        ]))
        let result = try answerer.answer(to: offer, transport: serverTransport, origin: answerOrigin)
        #expect(result.media[0].extensions == [
            ExtensionMap(id: 1, uri: HeaderExtensionURI.mid, direction: .recvonly),
            ExtensionMap(id: 3, uri: HeaderExtensionURI.videoOrientation, direction: .recvonly),
        ])
    }

    func minimalOffer(setup: String, video: [String] = []) -> String {
        sdp(header + [
            "a=group:BUNDLE v", "m=video 9 UDP/TLS/RTP/SAVPF 96 97 100", "c=IN IP4 0.0.0.0", "a=mid:v",
            "a=ice-ufrag:abcd", "a=ice-pwd:0123456789abcdefghijkl", "a=fingerprint:sha-256 AB:CD",
            "a=setup:\(setup)", "a=sendonly", "a=rtcp-mux", "a=rtpmap:96 VP8/90000", "a=rtpmap:97 rtx/90000",
            "a=fmtp:97 apt=96", "a=rtpmap:100 VP9/90000", "a=fmtp:100 profile-id=2",
        ] + video)
    }
}
