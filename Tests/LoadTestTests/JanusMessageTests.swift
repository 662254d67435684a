@testable import LoadTest
import Testing

/// Replies and events as Janus 1.1's HTTP transport writes them.
@Suite struct JanusMessageTests {
    @Test func createSuccess() throws {
        let messages = try JanusMessage.parseAll(#"{"janus":"success","transaction":"t1","data":{"id":8403948124113355}}"#)
        #expect(messages.count == 1)
        #expect(messages[0].kind == "success")
        #expect(messages[0].transaction == "t1")
        #expect(messages[0].dataID == 8_403_948_124_113_355)
    }

    @Test func eventWithAnswer() throws {
        let text = #"""
        [{"janus":"event","session_id":1,"transaction":"t3","sender":42,"plugindata":{"plugin":"janus.plugin.videoroom","data":{"videoroom":"joined","room":1234,"id":777,"publishers":[]}},"jsep":{"type":"answer","sdp":"v=0\r\n"}},
         {"janus":"webrtcup","session_id":1,"sender":42}]
        """#
        let messages = try JanusMessage.parseAll(text)
        #expect(messages.count == 2)
        #expect(messages[0].sender == 42)
        #expect(messages[0].jsepType == "answer")
        #expect(messages[0].jsepSDP == "v=0\r\n")
        #expect(messages[0].pluginData?["videoroom"]?.stringValue == "joined")
        #expect(messages[1].kind == "webrtcup")
        #expect(messages[1].jsepSDP == nil)
    }

    @Test func coreAndPluginErrors() throws {
        let core = try JanusMessage.parseAll(#"{"janus":"error","transaction":"x","error":{"code":458,"reason":"No such session 5"}}"#)[0]
        #expect(core.errorCode == 458)
        #expect(core.errorReason == "No such session 5")
        let plugin = try JanusMessage.parseAll(
            #"{"janus":"event","sender":9,"plugindata":{"plugin":"janus.plugin.videoroom","data":{"videoroom":"event","error_code":426,"error":"No such room (1)"}}}"#)[0]
        #expect(plugin.errorCode == 426)
        #expect(plugin.errorReason == "No such room (1)")
    }

    @Test func listParticipants() throws {
        let text = #"{"janus":"success","sender":3,"plugindata":{"plugin":"janus.plugin.videoroom","data":{"videoroom":"participants","room":1234,"participants":[{"id":11,"publisher":true},{"id":12,"publisher":false},{"id":13,"publisher":true}]}}}"#
        #expect(try JanusMessage.parseAll(text)[0].publisherFeeds == [11, 13])
    }

    @Test func rejectsWhatIsNotJanus() {
        #expect(throws: LoadTestError.protocolViolation("Janus message without a string \"janus\" field")) {
            try JanusMessage.parseAll(#"{"type":"joined"}"#)
        }
        #expect(throws: LoadTestError.self) { try JanusMessage.parseAll("[{") }
        // Ids beyond 2^53 or fractional are not Janus ids.
        #expect(JanusMessage.identifier(9_007_199_254_740_992) == nil)
        #expect(JanusMessage.identifier(1.5) == nil)
        #expect(JanusMessage.identifier(-1) == nil)
    }

    @Test func requests() {
        #expect(JanusRequest.create(transaction: "t") == #"{"janus":"create","transaction":"t"}"#)
        let join = JanusRequest.message(
            transaction: "t", body: JanusRequest.joinAsSubscriber(room: 1234, feeds: [7, 8]), jsep: nil)
        #expect(join == #"{"janus":"message","transaction":"t","body":{"request":"join","room":1234,"ptype":"subscriber","streams":[{"feed":7},{"feed":8}]}}"#)
        let start = JanusRequest.message(transaction: "u", body: JanusRequest.start, jsep: ("answer", "v=0"))
        #expect(start == #"{"janus":"message","transaction":"u","body":{"request":"start"},"jsep":{"type":"answer","sdp":"v=0","trickle":false}}"#)
    }
}
