import Testing
import SDP

/// Typed attributes of a media section, each checked against the line that
/// produced it and written back unchanged.
@Suite("Media attributes")
struct AttributeTests {
    static func section(_ attributes: [String], media: String = "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98") throws -> MediaDescription {
        let description = try SessionDescription(parsing: sdp(header + [media] + attributes))
        guard let section = description.media.first else { throw FixtureMissing(name: "no media") }
        // Every typed attribute written back must parse to the same section.
        #expect(try SessionDescription(parsing: description.serialize()) == description)
        return section
    }

    @Test func rtpmapFmtpAndFeedback() throws {
        let media = try Self.section([
            "a=rtpmap:96 VP8/90000",               // name / clock rate
            "a=rtcp-fb:96 nack",
            "a=rtcp-fb:96 nack pli",
            "a=rtcp-fb:96 ccm fir",
            "a=rtcp-fb:* goog-remb",                // wildcard applies to every payload type
            "a=rtpmap:97 rtx/90000",
            "a=fmtp:97 apt=96;rtx-time=3000",
            "a=rtpmap:98 H264/90000",
            "a=fmtp:98 level-asymmetry-allowed=1; packetization-mode=1;profile-level-id=42e01f",
        ])
        #expect(media.rtpMaps.map(\.encodingName) == ["VP8", "rtx", "H264"])
        #expect(media.rtcpFeedback.first == RTCPFeedback(payloadType: 96, feedback: .nack))
        #expect(media.rtcpFeedback.contains(RTCPFeedback(payloadType: nil, feedback: .remb)))
        let codecs = media.codecs
        #expect(codecs.map(\.payloadType) == [96, 98])
        #expect(codecs[0].rtxPayloadType == 97)
        #expect(codecs[0].feedback == [.nack, .pli, .fir, .remb])
        #expect(codecs[1]["packetization-mode"] == "1")
        #expect(codecs[1]["PROFILE-LEVEL-ID"] == "42e01f")
        #expect(codecs[1]["missing"] == nil)
        #expect(media.payloadFormats[1].associatedPayloadType == 96)
        #expect(media.payloadFormats[1]["rtx-time"] == "3000")
    }

    @Test func audioChannelsAndFormatWithoutParameters() throws {
        let media = try Self.section(["a=rtpmap:111 opus/48000/2", "a=fmtp:111"], media: "m=audio 9 UDP/TLS/RTP/SAVPF 111")
        #expect(media.rtpMaps == [RTPMap(payloadType: 111, encodingName: "opus", clockRate: 48000, channels: 2)])
        #expect(media.formatParameters == [FormatParameters(payloadType: 111, parameters: "")])
    }

    @Test func extmapWithDirectionAndAttributes() throws {
        let media = try Self.section([
            "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=extmap:2/sendonly urn:ietf:params:rtp-hdrext:ssrc-audio-level vad=on",
            "a=extmap:4096/recvonly urn:example:x",
        ])
        #expect(media.extensions == [
            ExtensionMap(id: 1, uri: HeaderExtensionURI.mid),
            ExtensionMap(id: 2, uri: HeaderExtensionURI.audioLevel, direction: .sendonly, extensionAttributes: "vad=on"),
            ExtensionMap(id: 4096, uri: "urn:example:x", direction: .recvonly),
        ])
    }

    @Test func ssrcAttributesAndGroups() throws {
        let media = try Self.section([
            "a=ssrc-group:FID 1690996722 162327131",
            "a=ssrc-group:SIM 1 2 3",
            "a=ssrc:1690996722 cname:w9CTNcLbIjDHFFeT",
            "a=ssrc:1690996722 msid:stream track",
            "a=ssrc:162327131 cname:w9CTNcLbIjDHFFeT",
            "a=ssrc:1 x-flag",
        ])
        #expect(media.ssrcGroups == [
            SSRCGroup(semantics: "FID", ssrcs: [1_690_996_722, 162_327_131]), SSRCGroup(semantics: "SIM", ssrcs: [1, 2, 3]),
        ])
        #expect(media.ssrcs[1] == SSRCAttribute(ssrc: 1_690_996_722, name: "msid", value: "stream track"))
        #expect(media.ssrcs[3] == SSRCAttribute(ssrc: 1, name: "x-flag"))
    }

    @Test func ridsAndSimulcast() throws {
        let media = try Self.section([
            "a=rid:q send",
            "a=rid:h send pt=96,98;max-width=1280;max-height=720",
            "a=rid:f recv max-fps=30",
            "a=simulcast:send q;h,~h2 recv ~f",
        ])
        #expect(media.rids[0] == RID(id: "q", direction: .send))
        #expect(media.rids[1].payloadTypes == [96, 98])
        #expect(media.rids[1].parameters[1] == RIDParameter(name: "max-width", value: "1280"))
        #expect(media.rids[2] == RID(id: "f", direction: .recv, parameters: [RIDParameter(name: "max-fps", value: "30")]))
        #expect(media.simulcast == Simulcast(
            send: [[SimulcastRID(rid: "q")], [SimulcastRID(rid: "h"), SimulcastRID(rid: "h2", paused: true)]],
            receive: [[SimulcastRID(rid: "f", paused: true)]]
        ))
    }

    @Test func transportAndMiscAttributes() throws {
        let media = try Self.section([
            "a=rtcp:9 IN IP4 0.0.0.0", "a=rtcp-mux", "a=rtcp-rsize", "a=mid:v", "a=msid:- track",
            "a=ice-ufrag:t5Gf", "a=ice-pwd:mQ/EJSh4DFc0mPcnNImE4h5V", "a=ice-options:trickle", "a=ice-lite",
            "a=fingerprint:sha-256 5B:11", "a=fingerprint:SHA-384 CD:49", "a=setup:passive",
            "a=end-of-candidates", "a=bundle-only", "a=extmap-allow-mixed", "a=inactive",
        ], media: "m=video 0 UDP/TLS/RTP/SAVPF 96")
        #expect(media.rtcp == RTCPAddress(port: 9, connection: ConnectionData(address: "0.0.0.0")))
        #expect(media.rtcpMux && media.rtcpReducedSize && media.iceLite && media.endOfCandidates)
        #expect(media.mid == "v")
        #expect(media.msids == [MediaStreamID(streamID: "-", trackID: "track")])
        #expect(media.iceUfrag == "t5Gf")
        #expect(media.icePwd == "mQ/EJSh4DFc0mPcnNImE4h5V")
        #expect(media.iceOptions == ["trickle"])
        #expect(media.fingerprints.map(\.hashFunction) == ["sha-256", "sha-384"])
        #expect(media.fingerprints[1].hexDigest == "CD:49")
        #expect(media.setup == .passive)
        #expect(media.direction == .inactive)
        #expect(media.bundleOnly && !media.isRejected)
        #expect(media.extmapAllowMixed)
    }

    /// `a=fmtp` with a non-numeric format (SCTP's old syntax) and property
    /// attributes given a value stay plain attributes.
    @Test func nonRTPFormatsStayAttributes() throws {
        let media = try Self.section(
            ["a=fmtp:webrtc-datachannel max-message-size=65536", "a=rtcp-mux:yes", "a=sctp-port:5000"],
            media: "m=application 9 UDP/DTLS/SCTP webrtc-datachannel"
        )
        #expect(media.formatParameters.isEmpty)
        #expect(!media.rtcpMux)
        #expect(media.attributes.map(\.name) == ["fmtp", "rtcp-mux", "sctp-port"])
        #expect(media.formats == ["webrtc-datachannel"])
        #expect(!media.isRTP)
    }

    @Test func fingerprintHexRoundTrip() throws {
        let fingerprint = try Fingerprint(parsing: "sha-256 0a:FF:10")
        #expect(fingerprint.bytes == [0x0A, 0xFF, 0x10])
        #expect(fingerprint.hexDigest == "0A:FF:10")
    }
}
