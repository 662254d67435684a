import Testing
@testable import SDP

@Suite("Parsing session descriptions (RFC 8866)")
struct ParserTests {
    /// RFC 8866 §5 example session description.
    static let rfc8866Example = sdp(
        "v=0",
        "o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1",
        "s=Call to John Smith",
        "i=SDP Offer #1",
        "u=http://www.jdoe.example.com/home.html",
        "e=Jane Doe <jane@jdoe.example.com>",
        "p=+1 617 555-6011",
        "c=IN IP4 198.51.100.1",
        "t=0 0",
        "m=audio 49170 RTP/AVP 0",
        "m=audio 49180 RTP/AVP 0",
        "m=video 51372 RTP/AVP 99",
        "c=IN IP6 2001:db8::2",
        "a=rtpmap:99 h263-1998/90000"
    )

    @Test func rfc8866Example() throws {
        let description = try SessionDescription(parsing: Self.rfc8866Example)
        #expect(description.origin == Origin(
            username: "jdoe", sessionID: 3_724_394_400, sessionVersion: 3_724_394_405, address: "198.51.100.1"
        ))
        #expect(description.sessionName == "Call to John Smith")
        #expect(description.information == "SDP Offer #1")
        #expect(description.uri == "http://www.jdoe.example.com/home.html")
        #expect(description.emails == ["Jane Doe <jane@jdoe.example.com>"])
        #expect(description.phones == ["+1 617 555-6011"])
        #expect(description.connection == ConnectionData(address: "198.51.100.1"))
        #expect(description.timings == [Timing(start: 0, stop: 0)])
        #expect(description.media.map(\.kind) == [.audio, .audio, .video])
        #expect(description.media.map(\.port) == [49170, 49180, 51372])
        #expect(description.media[2].connections == [ConnectionData(networkType: "IN", addressType: "IP6", address: "2001:db8::2")])
        #expect(description.media[2].rtpMaps == [RTPMap(payloadType: 99, encodingName: "h263-1998", clockRate: 90000)])
        // Static payload type 0 has no rtpmap: the RFC 3551 table names it.
        #expect(description.media[0].codecs.map(\.name) == ["PCMU"])
        // The serializer reproduces the example byte for byte.
        #expect(description.serialize() == Self.rfc8866Example)
    }

    @Test func acceptsLFLineEndsAndWritesCRLF() throws {
        let lf = (header + ["m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=rtpmap:111 opus/48000/2"]).joined(separator: "\n")
        let description = try SessionDescription(parsing: lf)
        #expect(description.media.first?.rtpMaps.first?.encodingName == "opus")
        #expect(description.serialize() == sdp(header + ["m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=rtpmap:111 opus/48000/2"]))
    }

    @Test func keepsUnknownAttributesInOrder() throws {
        let text = sdp(header + [
            "a=x-session-one:1", "a=x-flag",
            "m=video 9 UDP/TLS/RTP/SAVPF 96",
            "a=x-first:a b c", "a=mid:0", "a=rtcp-xr:rcvr-rtt=all", "a=x-empty:", "a=x-last",
        ])
        let description = try SessionDescription(parsing: text)
        #expect(description.attributes == [Attribute(name: "x-session-one", value: "1"), Attribute(name: "x-flag")])
        #expect(description.media[0].attributes == [
            Attribute(name: "x-first", value: "a b c"), Attribute(name: "rtcp-xr", value: "rcvr-rtt=all"),
            Attribute(name: "x-empty", value: ""), Attribute(name: "x-last"),
        ])
        let written = description.serialize()
        for line in ["a=x-first:a b c", "a=rtcp-xr:rcvr-rtt=all", "a=x-empty:", "a=x-last", "a=x-flag"] {
            #expect(written.contains(line + "\r\n"))
        }
        #expect(try SessionDescription(parsing: written) == description)
    }

    @Test func emptyLinesAreSkippedAndCountedInLineNumbers() throws {
        let text = "v=0\r\n\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n\r\nm=audio x RTP/AVP 0\r\n"
        #expect(throws: SDPError.invalidField(line: 7, field: "media port", value: "x")) {
            try SessionDescription(parsing: text)
        }
    }

    @Test func sessionLevelTransportAttributes() throws {
        let text = sdp(header + [
            "a=ice-lite", "a=ice-ufrag:abcd", "a=ice-pwd:0123456789abcdefghijkl", "a=ice-options:trickle ice2",
            "a=fingerprint:sha-256 AB:cd:01", "a=setup:actpass", "a=extmap-allow-mixed",
            "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid", "a=group:BUNDLE a v", "a=msid-semantic:WMS *",
            "a=sendonly",
        ])
        let description = try SessionDescription(parsing: text)
        #expect(description.iceLite)
        #expect(description.iceUfrag == "abcd")
        #expect(description.icePwd == "0123456789abcdefghijkl")
        #expect(description.iceOptions == ["trickle", "ice2"])
        #expect(description.fingerprints == [Fingerprint(hashFunction: "sha-256", bytes: [0xAB, 0xCD, 0x01])])
        #expect(description.setup == .actpass)
        #expect(description.extmapAllowMixed)
        #expect(description.extensions == [ExtensionMap(id: 3, uri: HeaderExtensionURI.mid)])
        #expect(description.bundleMids == ["a", "v"])
        #expect(description.msidSemantic == MSIDSemantic(semantic: "WMS", identifiers: ["*"]))
        #expect(description.direction == .sendonly)
        #expect(try SessionDescription(parsing: description.serialize()) == description)
    }

    @Test func limits() {
        let text = sdp(header + Array(repeating: "m=audio 9 RTP/AVP 0", count: 3))
        #expect(throws: SDPError.tooManyMediaSections(count: 3, limit: 2)) {
            try SessionDescription(parsing: text, limits: .init(maxMediaSections: 2))
        }
        #expect(throws: SDPError.tooLarge(size: text.utf8.count, limit: 10)) {
            try SessionDescription(parsing: text, limits: .init(maxLength: 10))
        }
    }

    @Test func repeatTimesAndOtherSessionLines() throws {
        let text = sdp(
            "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "b=AS:2000", "t=3034423619 3042462419",
            "r=604800 3600 0 90000", "t=0 0", "z=2882844526 -1h", "k=prompt", "m=audio 9/2 RTP/AVP 0",
            "i=media title", "b=TIAS:64000", "k=clear:x"
        )
        let description = try SessionDescription(parsing: text)
        #expect(description.bandwidths == [Bandwidth(type: "AS", value: 2000)])
        #expect(description.timings == [
            Timing(start: 3_034_423_619, stop: 3_042_462_419, repeats: ["604800 3600 0 90000"]),
            Timing(start: 0, stop: 0),
        ])
        #expect(description.timeZones == "2882844526 -1h")
        #expect(description.encryptionKey == "prompt")
        #expect(description.media[0].numberOfPorts == 2)
        #expect(description.media[0].information == "media title")
        #expect(description.media[0].bandwidths == [Bandwidth(type: "TIAS", value: 64000)])
        #expect(description.media[0].encryptionKey == "clear:x")
        #expect(description.serialize() == text)
    }
}
