import Testing
import SDP

/// Real offers captured from headless Chromium 156 and aiortc 1.16.
@Suite("Captured browser offers")
struct FixtureTests {
    @Test(arguments: Fixture.allCases)
    func roundTrips(_ fixture: Fixture) throws {
        let text = try fixture.text
        let parsed = try SessionDescription(parsing: text)
        let written = parsed.serialize()
        let reparsed = try SessionDescription(parsing: written)
        #expect(reparsed == parsed)
        #expect(reparsed.serialize() == written)
        // Nothing is lost: every input line is still there (order may differ;
        // `a=msid-semantic:` is always written Chrome's way, with a space).
        func lineSet(_ text: String) -> Set<String> {
            Set(text.split(separator: "\r\n").map { $0.replacingOccurrences(of: "msid-semantic: ", with: "msid-semantic:") })
        }
        let inputLines = lineSet(text)
        let outputLines = lineSet(written)
        #expect(inputLines.subtracting(outputLines).isEmpty, "lost: \(inputLines.subtracting(outputLines))")
        #expect(written.hasSuffix("\r\n"))
    }

    @Test func chromiumSimulcast() throws {
        let description = try Fixture.chromiumSimulcast.parsed
        #expect(description.bundleMids == ["0", "1"])
        #expect(description.extmapAllowMixed)
        #expect(description.msidSemantic?.semantic == "WMS")
        let summary = description.summary()
        let (audio, video) = (summary.media[0], summary.media[1])
        #expect(audio.kind == .audio && video.kind == .video)
        #expect(audio.direction == .sendonly && video.direction == .sendonly)
        #expect(audio.codecs.first?.name == "opus")
        #expect(audio.codecs.first?.channels == 2)
        #expect(video.rids.map(\.id) == ["q", "h", "f"])
        #expect(video.rids.allSatisfy { $0.direction == .send })
        #expect(video.simulcast?.send.map { $0.map(\.rid) } == [["q"], ["h"], ["f"]])
        // Chromium's RID simulcast carries no SSRCs in the offer.
        #expect(video.streams.isEmpty)
        #expect(audio.streams.count == 1)
        #expect(video.msid?.trackID != nil)
        #expect(video.extensionID(for: HeaderExtensionURI.rtpStreamID) == 10)
        #expect(video.extensionID(for: HeaderExtensionURI.mid) == 4)
        #expect(video.setup == .actpass)
        #expect(video.iceCredentials?.ufrag.isEmpty == false)
        #expect(video.fingerprints.map(\.hashFunction) == ["sha-256"])
        #expect(video.candidates.map(\.transport) == [.udp, .tcp])
        let vp8 = try #require(video.codecs.first)
        #expect(vp8.name == "VP8" && vp8.rtxPayloadType == 97)
        #expect(video.codecs.contains { $0.name == "H264" && $0["profile-level-id"] == "42e01f" })
    }

    @Test func chromiumAudioVideo() throws {
        let summary = try Fixture.chromiumAudioVideo.parsed.summary()
        #expect(summary.media.map(\.direction) == [.sendrecv, .sendrecv])
        let video = summary.media[1]
        #expect(video.streams.count == 1)
        let stream = try #require(video.streams.first)
        #expect(stream.rtxSSRC != nil)
        #expect(stream.cname != nil)
        #expect(stream.msid == video.msid)
        #expect(video.ssrcGroups.map(\.semantics) == ["FID"])
    }

    @Test func chromiumDataChannel() throws {
        let description = try Fixture.chromiumDataChannel.parsed
        #expect(description.media.map(\.kind) == [.audio, .video, .application])
        let data = description.media[2]
        #expect(data.proto == "UDP/DTLS/SCTP")
        #expect(data.formats == ["webrtc-datachannel"])
        #expect(data.attributes.contains(Attribute(name: "sctp-port", value: "5000")))
    }

    @Test func aiortcAudioVideo() throws {
        let description = try Fixture.aiortcAudioVideo.parsed
        // Each section has its own port, but one set of ICE credentials.
        #expect(description.media[0].port != description.media[1].port)
        let summary = description.summary()
        #expect(summary.media.map(\.iceCredentials) == [summary.media[0].iceCredentials, summary.media[0].iceCredentials])
        #expect(summary.media[0].fingerprints.map(\.hashFunction) == ["sha-256", "sha-384", "sha-512"])
        #expect(summary.media[0].fingerprints.map(\.bytes.count) == [32, 48, 64])
        #expect(summary.media[0].endOfCandidates)
        #expect(summary.media[1].streams.count == 1)
        #expect(summary.media[1].streams.first?.rtxSSRC != nil)
        #expect(summary.media[1].codecs.map(\.name) == ["VP8", "H264", "H264"])
    }

    /// What the SFU reads from a subscriber's answer to its offer.
    @Test(arguments: [Fixture.chromiumSubscriberAnswer, .aiortcSubscriberAnswer])
    func subscriberAnswers(_ fixture: Fixture) throws {
        let summary = try fixture.parsed.summary()
        #expect(summary.bundleGroups == [["0", "1"]])
        #expect(!summary.iceLite)
        #expect(summary.media.map(\.mid) == ["0", "1"])
        #expect(summary.media.map(\.kind) == [.audio, .video])
        for media in summary.media {
            #expect(media.direction == .recvonly)
            #expect(media.setup == .active)  // the browser is the DTLS client
            #expect(media.iceCredentials != nil)
            #expect(media.fingerprints.first?.hashFunction == "sha-256")
            #expect(media.fingerprints.first?.bytes.count == 32)
            #expect(media.rtcpMux)
        }
        #expect(summary.media[0].codecs.map(\.name) == ["opus"])
        #expect(summary.media[1].codecs.map(\.payloadType) == [96])
        #expect(summary.media[1].codecs.first?.rtxPayloadType == 97)
        #expect(summary.media[0].candidates.contains { $0.address == "127.0.0.1" && $0.transport == .udp })
    }
}
