@testable import LoadTest
import Testing

@Suite struct ServerSignalTests {
    @Test func joined() throws {
        let text = #"{"type":"joined","room":{"name":"r","sid":"RM_1"},"participant":{"id":"PA_1","identity":"a","name":"a","grants":{}},"participants":[],"sfu":{"node":"us-east-1","region":"us-east","regionName":"Ashburn"},"iceServers":[]}"#
        #expect(try ServerSignal.parse(text) == .joined(participantID: "PA_1", node: "us-east-1", region: "us-east", trackIDs: []))
    }

    @Test(arguments: [
        (#"{"type":"offer","target":"subscriber","sdp":"v=0"}"#, ServerSignal.offer(target: "subscriber", sdp: "v=0")),
        (#"{"type":"answer","target":"publisher","sdp":"v=0"}"#, .answer(target: "publisher", sdp: "v=0")),
        (#"{"type":"track_published","track":{"id":"TR_1","participantId":"PA_1","kind":"audio"}}"#,
         .trackPublished(trackID: "TR_1", participantID: "PA_1", kind: "audio")),
        (#"{"type":"error","code":"not_allowed","message":"no"}"#, .error(code: "not_allowed", message: "no")),
        (#"{"type":"pong","ts":1,"serverTs":2}"#, .other(type: "pong")),
    ])
    func messages(text: String, expected: ServerSignal) throws {
        #expect(try ServerSignal.parse(text) == expected)
    }

    @Test func malformed() {
        #expect(throws: LoadTestError.self) { try ServerSignal.parse("{not json") }
        #expect(throws: LoadTestError.protocolViolation("offer: missing string \"sdp\"")) {
            try ServerSignal.parse(#"{"type":"offer","target":"subscriber"}"#)
        }
        #expect(throws: LoadTestError.protocolViolation("message without a string \"type\"")) {
            try ServerSignal.parse(#"{"kind":"x"}"#)
        }
    }

    @Test func clientMessages() {
        #expect(ClientSignal.publisherOffer(sdp: "v=0\r\n") == #"{"type":"offer","target":"publisher","sdp":"v=0\r\n"}"#)
        #expect(ClientSignal.subscriberAnswer(sdp: "x") == #"{"type":"answer","target":"subscriber","sdp":"x"}"#)
        #expect(ClientSignal.leave == #"{"type":"leave"}"#)
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080", "127.0.0.1", 8080),
        ("http://10.77.0.1:8088/janus", "10.77.0.1", 8088),
        ("ws://localhost:1", "localhost", 1),
    ])
    func endpoints(url: String, host: String, port: Int) throws {
        let endpoint = try HTTPEndpoint(url: url)
        #expect(endpoint.host == host && endpoint.port == port)
    }

    @Test(arguments: ["http://127.0.0.1", "http://127.0.0.1:0", "http://:80", "127.0.0.1:99999"])
    func badEndpoints(url: String) {
        #expect(throws: LoadTestError.self) { try HTTPEndpoint(url: url) }
    }
}

@Suite("Server signal type sniffing")
struct ServerSignalSniffTests {
    @Test("the one top-level type is read without a full parse", arguments: [
        (#"{"participant":{"id":"P1"},"type":"participant_joined"}"#, "participant_joined"),
        (#"{"type" : "chat","text":"hi"}"#, "chat"),
        (#"{"type":"offer","target":"subscriber","sdp":"v=0"}"#, "offer"),
    ])
    func sniffs(text: String, expected: String) {
        #expect(ServerSignal.sniffType(text) == expected)
    }

    @Test("two type keys or none leave it to the full parse", arguments: [
        #"{"type":"x","inner":{"type":"y"}}"#,
        #"{"kind":"video"}"#,
        #"{"type":5}"#,
    ])
    func declines(text: String) {
        #expect(ServerSignal.sniffType(text) == nil)
    }

    @Test("ignored types skip parsing; handled ones are still validated")
    func skipsIgnored() throws {
        #expect(try ServerSignal.parse(#"{"type":"participant_joined","participant":"#) == .other(type: "participant_joined"))
        #expect(throws: LoadTestError.self) { try ServerSignal.parse(#"{"type":"offer","target":"#) }
        #expect(throws: LoadTestError.self) { try ServerSignal.parse(#"{"type":"answer"}"#) }
    }
}
