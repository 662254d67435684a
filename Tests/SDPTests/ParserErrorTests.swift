import Testing
@testable import SDP

/// Malformed input: every case throws a typed error with the line number.
@Suite("Parse errors")
struct ParserErrorTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let text: String
        let error: SDPError
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty input", text: "", error: .missingLine(type: "v")),
        Case(name: "no v= first", text: sdp(Array(header.dropFirst())), error: .missingLine(type: "v")),
        Case(name: "missing o=", text: sdp("v=0", "s=-", "t=0 0"), error: .missingLine(type: "o")),
        Case(name: "missing s=", text: sdp("v=0", "o=- 1 1 IN IP4 0.0.0.0", "t=0 0"), error: .missingLine(type: "s")),
        Case(name: "missing t=", text: sdp("v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-"), error: .missingLine(type: "t")),
        Case(name: "version 1", text: sdp("v=1"), error: .unsupportedVersion(line: 1, version: "1")),
        Case(name: "second v=", text: sdp(header + ["v=0"]), error: .misplacedLine(line: 5, type: "v")),
        Case(name: "second o=", text: sdp(header + ["o=- 1 1 IN IP4 0.0.0.0"]), error: .misplacedLine(line: 5, type: "o")),
        Case(name: "t= inside media", text: sdp(header + ["m=audio 9 RTP/AVP 0", "t=0 0"]),
             error: .misplacedLine(line: 6, type: "t")),
        Case(name: "r= before t=", text: sdp("v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "r=1 2 3"),
             error: .misplacedLine(line: 4, type: "r")),
        Case(name: "not type=value", text: sdp(header + ["hello"]), error: .malformedLine(line: 5, text: "hello")),
        Case(name: "space before =", text: sdp(header + ["a =x"]), error: .malformedLine(line: 5, text: "a =x")),
        Case(name: "digit line type", text: sdp(header + ["1=x"]), error: .malformedLine(line: 5, text: "1=x")),
        Case(name: "unknown line type", text: sdp(header + ["x=1"]), error: .unknownLineType(line: 5, type: "x")),
        Case(name: "origin with 5 fields", text: sdp("v=0", "o=- 1 1 IN IP4", "s=-", "t=0 0"),
             error: .invalidField(line: 2, field: "origin", value: "- 1 1 IN IP4")),
        Case(name: "session id beyond 64 bits", text: sdp("v=0", "o=- 18446744073709551616 1 IN IP4 0.0.0.0", "s=-", "t=0 0"),
             error: .invalidField(line: 2, field: "origin sess-id", value: "18446744073709551616")),
        Case(name: "negative session version", text: sdp("v=0", "o=- 1 -1 IN IP4 0.0.0.0", "s=-", "t=0 0"),
             error: .invalidField(line: 2, field: "origin sess-version", value: "-1")),
        Case(name: "timing not numeric", text: sdp("v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=now later"),
             error: .invalidField(line: 4, field: "timing", value: "now later")),
        Case(name: "m= without formats", text: sdp(header + ["m=audio 9 RTP/AVP"]),
             error: .invalidField(line: 5, field: "media line", value: "audio 9 RTP/AVP")),
        Case(name: "m= port beyond 65535", text: sdp(header + ["m=audio 65536 RTP/AVP 0"]),
             error: .invalidField(line: 5, field: "media port", value: "65536")),
        Case(name: "m= huge port", text: sdp(header + ["m=audio 99999999999999999999999 RTP/AVP 0"]),
             error: .invalidField(line: 5, field: "media port", value: "99999999999999999999999")),
        Case(name: "m= bad port count", text: sdp(header + ["m=audio 9/x RTP/AVP 0"]),
             error: .invalidField(line: 5, field: "media number of ports", value: "9/x")),
        Case(name: "RTP m= with non-numeric format", text: sdp(header + ["m=video 9 UDP/TLS/RTP/SAVPF 96 vp8"]),
             error: .invalidField(line: 5, field: "media payload type", value: "vp8")),
        Case(name: "RTP m= payload type 128", text: sdp(header + ["m=video 9 UDP/TLS/RTP/SAVPF 128"]),
             error: .invalidField(line: 5, field: "media payload type", value: "128")),
        Case(name: "bad c=", text: sdp(header + ["m=audio 9 RTP/AVP 0", "c=IN IP4"]),
             error: .invalidField(line: 6, field: "connection", value: "IN IP4")),
        Case(name: "bad b=", text: sdp(header + ["b=AS:lots"]), error: .invalidField(line: 5, field: "bandwidth", value: "AS:lots")),
        Case(name: "second session c=", text: sdp(header + ["c=IN IP4 1.1.1.1", "c=IN IP4 1.1.1.2"]),
             error: .misplacedLine(line: 6, type: "c")),
        Case(name: "rtpmap without clock", text: sdp(header + ["m=audio 9 RTP/AVP 96", "a=rtpmap:96 opus"]),
             error: .invalidField(line: 6, field: "rtpmap encoding", value: "opus")),
        Case(name: "rtpmap payload type 300", text: sdp(header + ["m=audio 9 RTP/AVP 96", "a=rtpmap:300 opus/48000"]),
             error: .invalidField(line: 6, field: "rtpmap payload type", value: "300")),
        Case(name: "rtpmap huge clock", text: sdp(header + ["m=audio 9 RTP/AVP 96", "a=rtpmap:96 opus/4294967296"]),
             error: .invalidField(line: 6, field: "rtpmap clock rate", value: "4294967296")),
        Case(name: "fmtp payload type 200", text: sdp(header + ["m=audio 9 RTP/AVP 96", "a=fmtp:200 apt=96"]),
             error: .invalidField(line: 6, field: "fmtp payload type", value: "200")),
        Case(name: "rtcp-fb without type", text: sdp(header + ["m=video 9 RTP/AVPF 96", "a=rtcp-fb:96"]),
             error: .invalidField(line: 6, field: "rtcp-fb value", value: "96")),
        Case(name: "extmap id not a number", text: sdp(header + ["m=video 9 RTP/AVPF 96", "a=extmap:x urn:a"]),
             error: .invalidField(line: 6, field: "extmap id", value: "x")),
        Case(name: "extmap bad direction", text: sdp(header + ["m=video 9 RTP/AVPF 96", "a=extmap:1/both urn:a"]),
             error: .invalidField(line: 6, field: "extmap direction", value: "both")),
        Case(name: "ssrc beyond 32 bits", text: sdp(header + ["m=video 9 RTP/AVPF 96", "a=ssrc:4294967296 cname:x"]),
             error: .invalidField(line: 6, field: "ssrc id", value: "4294967296")),
        Case(name: "ssrc-group member not numeric", text: sdp(header + ["m=video 9 RTP/AVPF 96", "a=ssrc-group:FID 1 x"]),
             error: .invalidField(line: 6, field: "ssrc-group ssrc", value: "x")),
        Case(name: "rid bad direction", text: sdp(header + ["m=video 9 RTP/AVPF 96", "a=rid:q both"]),
             error: .invalidField(line: 6, field: "rid direction", value: "both")),
        Case(name: "simulcast with empty rid", text: sdp(header + ["m=video 9 RTP/AVPF 96", "a=simulcast:send q;;f"]),
             error: .invalidField(line: 6, field: "simulcast rid", value: "q;;f")),
        Case(name: "simulcast send twice", text: sdp(header + ["m=video 9 RTP/AVPF 96", "a=simulcast:send q send h"]),
             error: .invalidField(line: 6, field: "simulcast direction", value: "send")),
        Case(name: "fingerprint with odd digit", text: sdp(header + ["a=fingerprint:sha-256 AB:C"]),
             error: .invalidField(line: 5, field: "fingerprint digest", value: "AB:C")),
        Case(name: "fingerprint not hex", text: sdp(header + ["a=fingerprint:sha-256 ZZ:00"]),
             error: .invalidField(line: 5, field: "fingerprint digest", value: "ZZ:00")),
        Case(name: "setup unknown", text: sdp(header + ["a=setup:both"]), error: .invalidField(line: 5, field: "setup", value: "both")),
        Case(name: "mid twice", text: sdp(header + ["m=audio 9 RTP/AVP 0", "a=mid:0", "a=mid:1"]),
             error: .duplicateAttribute(line: 7, name: "mid")),
        Case(name: "mid with spaces", text: sdp(header + ["m=audio 9 RTP/AVP 0", "a=mid:a b"]),
             error: .invalidField(line: 6, field: "mid", value: "a b")),
        Case(name: "two directions", text: sdp(header + ["m=audio 9 RTP/AVP 0", "a=sendonly", "a=recvonly"]),
             error: .duplicateAttribute(line: 7, name: "direction")),
        Case(name: "session ice-ufrag twice", text: sdp(header + ["a=ice-ufrag:abcd", "a=ice-ufrag:efgh"]),
             error: .duplicateAttribute(line: 6, name: "ice-ufrag")),
        Case(name: "msid with three fields", text: sdp(header + ["m=audio 9 RTP/AVP 0", "a=msid:a b c"]),
             error: .invalidField(line: 6, field: "msid", value: "a b c")),
        Case(name: "rtcp port too big", text: sdp(header + ["m=audio 9 RTP/AVP 0", "a=rtcp:70000"]),
             error: .invalidField(line: 6, field: "rtcp", value: "70000")),
        Case(name: "candidate too short", text: sdp(header + ["m=audio 9 RTP/AVP 0", "a=candidate:1 1 udp 1 1.2.3.4 9"]),
             error: .invalidField(line: 6, field: "candidate", value: "1 1 udp 1 1.2.3.4 9")),
        Case(name: "candidate huge priority",
             text: sdp(header + ["m=audio 9 RTP/AVP 0", "a=candidate:1 1 udp 4294967296 1.2.3.4 9 typ host"]),
             error: .invalidField(line: 6, field: "candidate priority", value: "4294967296")),
        Case(name: "candidate bad port",
             text: sdp(header + ["m=audio 9 RTP/AVP 0", "a=candidate:1 1 udp 1 1.2.3.4 port typ host"]),
             error: .invalidField(line: 6, field: "candidate port", value: "port")),
        Case(name: "candidate without typ keyword",
             text: sdp(header + ["m=audio 9 RTP/AVP 0", "a=candidate:1 1 udp 1 1.2.3.4 9 type host"]),
             error: .invalidField(line: 6, field: "candidate", value: "1 1 udp 1 1.2.3.4 9 type host")),
        Case(name: "candidate dangling extension",
             text: sdp(header + ["m=audio 9 RTP/AVP 0", "a=candidate:1 1 udp 1 1.2.3.4 9 typ host generation"]),
             error: .invalidField(line: 6, field: "candidate", value: "1 1 udp 1 1.2.3.4 9 typ host generation")),
        Case(name: "candidate bad tcptype",
             text: sdp(header + ["m=audio 9 RTP/AVP 0", "a=candidate:1 1 tcp 1 1.2.3.4 9 typ host tcptype open"]),
             error: .invalidField(line: 6, field: "candidate tcptype", value: "open")),
        Case(name: "candidate rport twice",
             text: sdp(header + ["m=audio 9 RTP/AVP 0", "a=candidate:1 1 udp 1 1.2.3.4 9 typ srflx rport 1 rport 2"]),
             error: .invalidField(line: 6, field: "candidate rport (repeated)", value: "2")),
    ]

    @Test(arguments: cases)
    func rejects(_ testCase: Case) {
        #expect(throws: testCase.error) { try SessionDescription(parsing: testCase.text) }
    }

    @Test func errorsEchoAtMostALimitedValue() {
        let long = String(repeating: "9", count: 10_000)
        do {
            _ = try SessionDescription(parsing: sdp(header + ["m=audio \(long) RTP/AVP 0"]))
            Issue.record("expected an error")
        } catch let .invalidField(_, _, value) {
            #expect(value.count == SDPError.maxEchoedValueLength)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func errorDescriptionsNameTheLine() {
        #expect(SDPError.invalidField(line: 7, field: "media port", value: "x").description == "line 7: invalid media port: 'x'")
        #expect(SDPError.missingLine(type: "o").description == "mandatory 'o=' line is missing")
    }
}
