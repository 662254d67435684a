import Testing
@testable import SFU

@Suite struct StreamRewriterTests {
    @Test func continuousStreamKeepsDistances() {
        var r = StreamRewriter(clockRate: 90_000, initialSequence: 1000, initialTimestamp: 5000)
        let a = r.rewrite(sourceSSRC: 1, sequenceNumber: 40_000, timestamp: 100, nowNanoseconds: 0)
        let b = r.rewrite(sourceSSRC: 1, sequenceNumber: 40_001, timestamp: 3100, nowNanoseconds: 33_000_000)
        #expect(a == .init(sequenceNumber: 1000, timestamp: 5000))
        #expect(b == .init(sequenceNumber: 1001, timestamp: 8000))
    }

    @Test func wrapsAround() {
        var r = StreamRewriter(clockRate: 90_000, initialSequence: 65_535, initialTimestamp: UInt32.max)
        _ = r.rewrite(sourceSSRC: 1, sequenceNumber: 10, timestamp: 0, nowNanoseconds: 0)
        let next = r.rewrite(sourceSSRC: 1, sequenceNumber: 11, timestamp: 3000, nowNanoseconds: 1)
        #expect(next == .init(sequenceNumber: 0, timestamp: 2999))
    }

    @Test func switchContinuesWithoutGap() {
        var r = StreamRewriter(clockRate: 90_000, initialSequence: 100, initialTimestamp: 0)
        _ = r.rewrite(sourceSSRC: 1, sequenceNumber: 500, timestamp: 9000, nowNanoseconds: 0)
        _ = r.rewrite(sourceSSRC: 1, sequenceNumber: 501, timestamp: 9000, nowNanoseconds: 0)
        // A different layer with unrelated numbers, 100 ms later.
        let first = r.rewrite(sourceSSRC: 2, sequenceNumber: 7, timestamp: 777_777, nowNanoseconds: 100_000_000)
        #expect(first?.sequenceNumber == 102)
        #expect(first?.timestamp == 9000 &- 9000 &+ 9000)  // 0 + 9000 ticks for 100 ms
        let second = r.rewrite(sourceSSRC: 2, sequenceNumber: 8, timestamp: 780_777, nowNanoseconds: 133_000_000)
        #expect(second == .init(sequenceNumber: 103, timestamp: 12_000))
    }

    @Test func packetsFromBeforeTheSwitchAreDropped() {
        var r = StreamRewriter(clockRate: 90_000, initialSequence: 0, initialTimestamp: 0)
        _ = r.rewrite(sourceSSRC: 2, sequenceNumber: 50, timestamp: 0, nowNanoseconds: 0)
        // A late packet of the new source that predates its first forwarded packet.
        #expect(r.rewrite(sourceSSRC: 2, sequenceNumber: 49, timestamp: 0, nowNanoseconds: 0) == nil)
    }

    @Test func nackMappingRoundTrips() {
        var r = StreamRewriter(clockRate: 90_000, initialSequence: 300, initialTimestamp: 0)
        _ = r.rewrite(sourceSSRC: 9, sequenceNumber: 65_530, timestamp: 0, nowNanoseconds: 0)
        for source: UInt16 in [65_530, 65_535, 0, 4] {
            _ = r.rewrite(sourceSSRC: 9, sequenceNumber: source, timestamp: 0, nowNanoseconds: 0)
            let out = r.outputSequence(forSource: source) ?? 0
            #expect(r.outputSequence(forSource: source) != nil)
            #expect(r.sourceSequence(forOutput: out) == source)
        }
        #expect(r.sourceSequence(forOutput: 299) == nil)
    }
}

@Suite struct StreamRewriterLongRunTests {
    /// Regression: the era check compared 16-bit numbers, so every packet
    /// 2^15 or more after a (re)start was dropped (found by the fan-out benchmark).
    @Test func aLongStreamIsNeverDropped() {
        var r = StreamRewriter(clockRate: 90_000, initialSequence: 1000, initialTimestamp: 0)
        var dropped = 0
        var expected: UInt16 = 1000
        for index in 0..<100_000 {
            let sequence = UInt16(truncatingIfNeeded: 40_000 + index)
            let out = r.rewrite(sourceSSRC: 7, sequenceNumber: sequence, timestamp: UInt32(index) &* 3000, nowNanoseconds: 0)
            if out?.sequenceNumber != expected { dropped += 1 }
            expected &+= 1
        }
        #expect(dropped == 0)
        // NACK mapping still works 100,000 packets in, and refuses the
        // previous era once the source switches.
        let lastOut = expected &- 1
        #expect(r.sourceSequence(forOutput: lastOut &- 5) == UInt16(truncatingIfNeeded: 40_000 + 99_994))
        _ = r.rewrite(sourceSSRC: 8, sequenceNumber: 10, timestamp: 0, nowNanoseconds: 1)
        #expect(r.sourceSequence(forOutput: lastOut &- 5) == nil)
        #expect(r.sourceSequence(forOutput: lastOut &+ 1) == 10)
    }
}
