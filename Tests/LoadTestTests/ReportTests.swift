@testable import LoadTest
import Testing

@Suite struct ReportFormattingTests {
    @Test(arguments: [
        (1234.5678, 2, "1234.57"),
        (0.004, 2, "0.00"),
        (0.005, 2, "0.01"),
        (-3.25, 1, "-3.3"),
        (42, 0, "42"),
        (7.05, 3, "7.050"),
        (Double.nan, 1, "–"),
    ])
    func fixedPoint(value: Double, decimals: Int, expected: String) {
        #expect(LoadTestReport.format(value, decimals: decimals) == expected)
    }

    @Test func distribution() {
        let values = (1...100).map(Double.init)
        let distribution = Distribution(values: values)
        #expect(distribution.count == 100)
        #expect(distribution.p50 == 50)
        #expect(distribution.p90 == 90)
        #expect(distribution.p99 == 99)
        #expect(distribution.max == 100)
        #expect(Distribution(values: []).p50 == nil)
    }

    @Test func tableHasTheKeyLinesAndOneRowPerTrack() {
        let report = LoadTestReport(
            target: "edgemesh", scenario: "audio-fanout", publishers: 2, subscribers: 3, windowSeconds: 10,
            participants: 5, joined: 5, receiving: 3, failures: ["sub-9: timeout"],
            joinMs: Distribution(values: [100, 120, 140]), joinVideoMs: Distribution(values: []),
            tracks: [
                TrackReport(track: "TR_a", kind: "audio", receivers: 3, packets: 1500, lost: 0, kbpsPerReceiver: 36.8, jitterMs: 0.5),
                TrackReport(track: "TR_b", kind: "audio", receivers: 3, packets: 1499, lost: 1, kbpsPerReceiver: 36.7, jitterMs: 0.75),
            ],
            packetsSent: 1000, packetsReceived: 2999, packetsExpected: 3000, packetsLost: 1, duplicates: 0,
            lossPercent: 0.0333, receivedPacketsPerSecond: 299.9, latencyMs: Distribution(values: [1, 2, 3]),
            nacksSent: 1, plisSent: 0, publisherNacksReceived: 1, publisherPlisReceived: 0,
            sfu: ProcessUsage(pids: [42], cpuSeconds: 0.5, cores: 0.05, cpuSecondsPerMillionPackets: 166.7, rssKiB: 65536),
            loadGeneratorCPUSeconds: 0.25)
        let lines = report.table.split(separator: "\n").map(String.init)
        #expect(lines.contains("participants 5, joined 5, receiving media 3, failures 1"))
        #expect(lines.contains("join (ws open → first packet) ms: p50 120.0  p90 140.0  p99 140.0  max 140.0  (n=3)"))
        #expect(lines.contains("packets sent 1000, received 2999 (300 pps), lost 1 (0.033 %), duplicates 0"))
        #expect(lines.contains("| TR_a | audio | 3 | 1500 | 0 | 36.8 | 0.50 |"))
        #expect(lines.contains("| TR_b | audio | 3 | 1499 | 1 | 36.7 | 0.75 |"))
        #expect(lines.contains { $0.hasPrefix("SFU pids 42: CPU 0.50 s (5.0 % of a core), 166.70 CPU-s per million packets, RSS 64 MiB") })
        #expect(lines.contains("failure: sub-9: timeout"))
        #expect(!lines.contains { $0.hasPrefix("join (ws open → first video)") })
    }
}

@Suite struct LoadShapeTests {
    @Test func lateJoinersAreSpreadOverTheWindow() {
        let shape = LoadShape(scenario: .lateJoiners, room: "r", publishers: 1, subscribers: 5, joinSpread: 8)
        #expect(shape.subscriberPlans.map(\.startDelay) == [0, 2, 4, 6, 8])
        #expect(shape.publisherPlans.map(\.subscribes) == [false])
    }

    @Test func meetingsPublishAndSubscribe() {
        let shape = LoadShape(scenario: .videoMeeting, room: "r", publishers: 3, subscribers: 0)
        #expect(shape.publisherPlans.allSatisfy { $0.publishes && $0.subscribes })
        #expect(Set(shape.publisherPlans.map(\.identity)).count == 3)
    }

    @Test func crossRegionHintsPickEachRegionInTurn() {
        let shape = LoadShape(scenario: .crossRegion, room: "r", publishers: 3, subscribers: 0, regions: ["a", "b"])
        #expect(shape.publisherPlans.map(\.rttHint) == ["a:5,b:150", "a:150,b:5", "a:5,b:150"])
        let fanout = LoadShape(scenario: .audioFanout, room: "r", publishers: 1, subscribers: 1, regions: ["a"])
        #expect(fanout.subscriberPlans[0].rttHint == nil)
    }
}
