import Testing

@testable import ControlPlane

@Suite("Client messages")
struct ClientMessageTests {
    private func decode(_ text: String) throws(SignalError) -> ClientEnvelope {
        try ClientEnvelope.decode(Array(text.utf8))
    }

    @Test(arguments: [
        (#"{"type":"offer","target":"publisher","sdp":"v=0"}"#, ClientMessage.offer(sdp: "v=0")),
        (#"{"type":"answer","target":"subscriber","sdp":"v=0"}"#, .answer(sdp: "v=0")),
        (#"{"type":"candidate","target":"publisher","candidate":{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMid":"0","sdpMLineIndex":0}}"#,
         .candidate(target: .publisher, candidate: CandidateInit(candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0))),
        (#"{"type":"candidate","target":"subscriber","candidate":null}"#,
         .candidate(target: .subscriber, candidate: CandidateInit(candidate: nil, sdpMid: nil, sdpMLineIndex: nil))),
        (#"{"type":"track_info","mid":"1","source":"screen","name":"slides"}"#, .trackInfo(mid: "1", source: .screen, name: "slides")),
        (#"{"type":"track_info","mid":"0","source":"microphone"}"#, .trackInfo(mid: "0", source: .microphone, name: "")),
        (#"{"type":"subscribe","trackIds":["TR_a","TR_b"],"subscribed":false}"#,
         .subscribe(trackIDs: ["TR_a", "TR_b"], subscribed: false, quality: nil)),
        (#"{"type":"subscribe","trackIds":[],"subscribed":true,"quality":"medium"}"#,
         .subscribe(trackIDs: [], subscribed: true, quality: .medium)),
        (#"{"type":"mute","trackId":"TR_a","muted":true}"#, .mute(trackID: "TR_a", muted: true)),
        (#"{"type":"chat","text":"héllo \"there\""}"#, .chat(text: "héllo \"there\"")),
        (#"{"type":"ping","ts":1700000000123}"#, .ping(ts: 1_700_000_000_123)),
        (#"{"type":"leave"}"#, .leave),
    ])
    func validMessages(text: String, expected: ClientMessage) throws {
        #expect(try decode(text).message == expected)
    }

    @Test func idIsEchoedAsRef() throws {
        let envelope = try decode(#"{"type":"ping","ts":1,"id":"abc"}"#)
        #expect(envelope.id == "abc")
        #expect(envelope.type == "ping")
    }

    @Test(arguments: [
        ("{", SignalErrorCode.badMessage, nil as String?),
        ("[]", .badMessage, nil),
        ("\"text\"", .badMessage, nil),
        (#"{"id":"r1"}"#, .badMessage, "r1"),  // missing type
        (#"{"type":null,"id":"r2"}"#, .badMessage, "r2"),
        (#"{"type":1}"#, .badMessage, nil),
        (#"{"type":"ping","id":5}"#, .badMessage, nil),  // id must be a string
        (#"{"type":"dance","id":"r3"}"#, .unknownType, "r3"),
        (#"{"type":"offer","target":"subscriber","sdp":"v=0","id":"r4"}"#, .badMessage, "r4"),
        (#"{"type":"offer","target":"publisher","sdp":""}"#, .badMessage, nil),
        (#"{"type":"answer","target":"publisher","sdp":"v=0"}"#, .badMessage, nil),
        (#"{"type":"candidate","target":"sideways","candidate":null}"#, .badMessage, nil),
        (#"{"type":"candidate","target":"publisher"}"#, .badMessage, nil),
        (#"{"type":"candidate","target":"publisher","candidate":{"sdpMLineIndex":-1}}"#, .badMessage, nil),
        (#"{"type":"track_info","mid":"0","source":"radio"}"#, .badMessage, nil),
        (#"{"type":"subscribe","trackIds":[1],"subscribed":true}"#, .badMessage, nil),
        (#"{"type":"subscribe","trackIds":["a"],"subscribed":true,"quality":"ultra"}"#, .badMessage, nil),
        (#"{"type":"subscribe","trackIds":["a"]}"#, .badMessage, nil),
        (#"{"type":"mute","trackId":"a","muted":1}"#, .badMessage, nil),
        (#"{"type":"chat","text":""}"#, .badMessage, nil),
        (#"{"type":"ping","ts":"now"}"#, .badMessage, nil),
    ])
    func invalidMessages(text: String, code: SignalErrorCode, ref: String?) {
        #expect {
            _ = try decode(text)
        } throws: { error in
            guard let signal = error as? SignalError else { return false }
            return signal.code == code && signal.ref == ref
        }
    }

    @Test func chatLengthIsCountedInCharacters() throws {
        #expect(try decode(#"{"type":"chat","text":"\#(String(repeating: "é", count: 4096))"}"#).message
            == .chat(text: String(repeating: "é", count: 4096)))
        #expect(throws: SignalError.self) { try decode(#"{"type":"chat","text":"\#(String(repeating: "a", count: 4097))"}"#) }
    }

    @Test func overlongIDIsRejected() {
        let id = String(repeating: "i", count: ClientEnvelope.maximumIDBytes + 1)
        #expect(throws: SignalError.self) { try decode(#"{"type":"leave","id":"\#(id)"}"#) }
    }

    @Test func tooManyTrackIDs() {
        let ids = (0...ClientEnvelope.maximumTrackIDs).map { "\"t\($0)\"" }.joined(separator: ",")
        #expect(throws: SignalError.self) { try decode(#"{"type":"subscribe","trackIds":[\#(ids)],"subscribed":true}"#) }
    }

    @Test func errorsSerializeAsProtocolMessages() {
        let error = SignalError(.notAllowed, "no publish grant", ref: "x")
        #expect(error.json.serialized() == #"{"type":"error","code":"not_allowed","message":"no publish grant","ref":"x"}"#)
        #expect(SignalError(.tokenExpired, "token expired at 1970-01-01T00:00:00Z").httpBody.serialized()
            == #"{"error":{"code":"token_expired","message":"token expired at 1970-01-01T00:00:00Z"}}"#)
    }

    @Test func closingCodes() {
        #expect(!SignalErrorCode.badMessage.closesConnection)
        #expect(!SignalErrorCode.unknownType.closesConnection)
        #expect(!SignalErrorCode.notAllowed.closesConnection)
        #expect(SignalErrorCode.noSFUAvailable.closesConnection)
    }
}

@Suite("JSON")
struct JSONValueTests {
    @Test(arguments: [
        (JSONValue.string("a\"b\\c\n\t\u{01}é"), #""a\"b\\c\n\t\u0001é""#),
        (.number(1_700_000_000_123), "1700000000123"),
        (.number(-0.5), "-0.5"),
        (.number(.nan), "null"),
        (.array([.null, .bool(true), .bool(false)]), "[null,true,false]"),
        (.object(["type": "pong", "ts": 5]), #"{"type":"pong","ts":5}"#),
    ])
    func serialization(value: JSONValue, text: String) throws {
        #expect(value.serialized() == text)
        if !(value.numberValue?.isNaN ?? false) {
            #expect(try JSONValue.parse(Array(text.utf8)) == value || value.objectValue != nil)
        }
    }

    @Test func objectKeepsKeyOrderAndReplaces() {
        var object: JSONObject = ["b": 1, "a": 2]
        object["b"] = 3
        object["c"] = 4
        object["a"] = nil
        #expect(object.keys == ["b", "c"])
        #expect(JSONValue.object(object).serialized() == #"{"b":3,"c":4}"#)
    }

    // (Foundation's parser tolerates a trailing comma, "[1,]"; that is harmless here.)
    @Test(arguments: ["", "{", "[1,", "nul", "{\"a\":}", String(repeating: "[", count: 10000)])
    func malformedJSONThrows(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8)) }
    }
}
