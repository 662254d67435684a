import Testing
@testable import SFU

@Suite struct KeyframeRequestLimiterTests {
    @Test func mergesRequestsWithinTheInterval() {
        var limiter = KeyframeRequestLimiter(minimumIntervalNanoseconds: 300)
        #expect(limiter.request(nowNanoseconds: 1000))
        #expect(!limiter.request(nowNanoseconds: 1100))
        #expect(!limiter.request(nowNanoseconds: 1200))
        #expect(!limiter.poll(nowNanoseconds: 1250))
        #expect(limiter.poll(nowNanoseconds: 1300))
        #expect(!limiter.poll(nowNanoseconds: 2000), "the merged request was sent once")
    }
}

@Suite struct ActiveSpeakerDetectorTests {
    @Test func reportsLoudestFirstAndOnlyOnChange() {
        var detector = ActiveSpeakerDetector<String>()
        #expect(detector.tick(nowNanoseconds: 0) == nil)
        for _ in 0..<10 {
            detector.record("a", level: 30)
            detector.record("b", level: 10)
            detector.record("c", level: 127)
        }
        let first = detector.tick(nowNanoseconds: 500_000_000)
        #expect(first?.map(\.key) == ["b", "a"])
        for _ in 0..<10 {
            detector.record("a", level: 30)
            detector.record("b", level: 10)
        }
        #expect(detector.tick(nowNanoseconds: 1_000_000_000) == nil, "same speakers: no new report")
    }
}
