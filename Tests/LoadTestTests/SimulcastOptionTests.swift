import ControlPlane
@testable import LoadTest
import Testing

@Suite struct SimulcastOptionTests {
    @Test(arguments: [
        ("low", QualityChoice.fixed(.low)), ("medium", .fixed(.medium)), ("high", .fixed(.high)), ("mix", .mix),
    ])
    func qualityArguments(text: String, expected: QualityChoice) {
        #expect(QualityChoice(argument: text) == expected)
    }

    @Test func unknownQualityIsRefused() {
        for text in ["", "HIGH", "hd", "mixed"] { #expect(QualityChoice(argument: text) == nil) }
    }

    @Test func mixSpreadsSubscribersOverTheThreeLayers() {
        var shape = LoadShape(scenario: .videoFanout, room: "r", publishers: 1, subscribers: 7)
        #expect(shape.subscriberPlans.allSatisfy { $0.quality == nil })
        shape.quality = .mix
        #expect(shape.subscriberPlans.map { $0.quality?.rawValue } == ["low", "medium", "high", "low", "medium", "high", "low"])
        #expect(shape.publisherPlans.map(\.quality) == [nil], "a fan-out publisher subscribes to nothing")
        shape.quality = .fixed(.low)
        #expect(shape.subscriberPlans.allSatisfy { $0.quality == .low })
    }

    @Test func meetingParticipantsGetTheQualityToo() {
        var shape = LoadShape(scenario: .videoMeeting, room: "r", publishers: 3, subscribers: 0)
        shape.quality = .mix
        #expect(shape.publisherPlans.map { $0.quality?.rawValue } == ["low", "medium", "high"])
    }

    @Test func subscribeMessageIsAsPROTOCOLSays() {
        #expect(ClientSignal.subscribe(trackIDs: ["TR_1", "TR_2"], quality: .low)
            == #"{"type":"subscribe","trackIds":["TR_1","TR_2"],"subscribed":true,"quality":"low"}"#)
        #expect(ClientSignal.subscribe(trackIDs: ["TR_1"], quality: nil)
            == #"{"type":"subscribe","trackIds":["TR_1"],"subscribed":true}"#)
    }

    @Test func joinedListsTheTracksOthersPublish() throws {
        let text = #"{"type":"joined","room":{"name":"r","sid":"RM_1"},"participant":{"id":"PA_3","identity":"c","name":"c","grants":{}},"participants":[{"id":"PA_1","tracks":[{"id":"TR_a","participantId":"PA_1","kind":"video","simulcast":["q","h","f"]},{"id":"TR_b","participantId":"PA_1","kind":"audio","simulcast":[]}]},{"id":"PA_2","tracks":[]},{"id":"PA_4","tracks":[{"id":"TR_c","participantId":"PA_4","kind":"video"}]}],"sfu":{"node":"n","region":"us-east","regionName":"x"},"iceServers":[]}"#
        #expect(try ServerSignal.parse(text) == .joined(participantID: "PA_3", node: "n", region: "us-east", trackIDs: ["TR_a", "TR_b", "TR_c"]))
    }

    @Test func tableShowsLayersAndQualityGroups() {
        var report = LoadTestReport(
            target: "edgemesh", scenario: "video-fanout", publishers: 1, subscribers: 3, windowSeconds: 4,
            participants: 4, joined: 4, receiving: 3, failures: [],
            joinMs: Distribution(values: [100]), joinVideoMs: Distribution(values: [200]), tracks: [],
            packetsSent: 100, packetsReceived: 100, packetsExpected: 100, packetsLost: 0, duplicates: 0,
            lossPercent: 0, receivedPacketsPerSecond: 25, latencyMs: Distribution(values: [1]),
            nacksSent: 0, plisSent: 0, publisherNacksReceived: 0, publisherPlisReceived: 3, sfu: nil,
            loadGeneratorCPUSeconds: 0.1)
        #expect(!report.table.contains("| layer |") && !report.table.contains("| quality |"))
        report.simulcastLayers = [
            LayerReport(rid: "q", publishers: 1, packetsSent: 120, kbpsPerPublisher: 74.9, keyframesSent: 2,
                        keyframeRequests: 1, nackedPackets: 0),
            LayerReport(rid: "f", publishers: 1, packetsSent: 600, kbpsPerPublisher: 1200, keyframesSent: 2,
                        keyframeRequests: 1, nackedPackets: 3),
        ]
        report.qualities = [
            QualityReport(quality: "low", subscribers: 2, receivingVideo: 2, videoStreams: 2, videoPackets: 240,
                          videoLost: 0, videoKbpsPerStream: 70.25, keyframeSizes: ["320x180": 2]),
            QualityReport(quality: "high", subscribers: 1, receivingVideo: 0, videoStreams: 1, videoPackets: 0,
                          videoLost: 0, videoKbpsPerStream: 0, keyframeSizes: [:]),
        ]
        let lines = report.table.split(separator: "\n").map(String.init)
        #expect(lines.contains("| q | 1 | 120 | 74.9 | 2 | 1 | 0 |"))
        #expect(lines.contains("| f | 1 | 600 | 1200.0 | 2 | 1 | 3 |"))
        #expect(lines.contains("| low | 2 | 2 | 2 | 240 | 0 | 70.3 | 320x180 ×2 |"))
        #expect(lines.contains("| high | 1 | 0 | 1 | 0 | 0 | 0.0 | – |"))
    }
}
