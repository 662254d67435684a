import Testing
@testable import SFU

@Suite struct KeyframeRequestLimiterTests {
    @Test func mergesRequestsWithinTheInterval() {
        var limiter = KeyframeRequestLimiter(minimumIntervalNanoseconds: 300)
        let r1 = limiter.request(nowNanoseconds: 1000)
        #expect(r1)
        let r2 = limiter.request(nowNanoseconds: 1100)
        #expect(!r2)
        let r3 = limiter.request(nowNanoseconds: 1200)
        #expect(!r3)
        let r4 = limiter.poll(nowNanoseconds: 1250)
        #expect(!r4)
        let r5 = limiter.poll(nowNanoseconds: 1300)
        #expect(r5)
        let r6 = limiter.poll(nowNanoseconds: 2000)
        #expect(!r6, "the merged request was sent once")
    }
}

@Suite struct ActiveSpeakerDetectorTests {
    @Test func reportsLoudestFirstAndOnlyOnChange() {
        var detector = ActiveSpeakerDetector<String>()
        let r7 = detector.tick(nowNanoseconds: 0)
        #expect(r7 == nil)
        for i in 0..<10 {
            detector.record("a", level: 30)
            detector.record("b", level: 10)
            detector.record("c", level: 127)
            // d is loud only once in ten packets: a speaker with pauses.
            detector.record("d", level: i == 0 ? 20 : 127)
            // e is loud too rarely to count.
            detector.record("e", level: 127)
        }
        detector.record("e", level: 5)
        let first = detector.tick(nowNanoseconds: 500_000_000)
        #expect(first?.map(\.key) == ["b", "d", "a"])
        for _ in 0..<10 {
            detector.record("a", level: 30)
            detector.record("b", level: 10)
            detector.record("d", level: 20)
        }
        let r8 = detector.tick(nowNanoseconds: 1_000_000_000)
        #expect(r8 == nil, "same speakers: no new report")
    }
}
