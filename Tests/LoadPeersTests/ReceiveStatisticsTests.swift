@testable import LoadPeers
import Testing

@Suite("Loss counting and latency bookkeeping")
struct ReceiveStatisticsTests {
    struct LossCase: Sendable, CustomTestStringConvertible {
        let name: String
        let sequence: [UInt16]
        let expected: UInt64
        let received: UInt64
        let lost: UInt64
        let duplicates: UInt64
        var testDescription: String { name }
    }

    static let cases: [LossCase] = [
        LossCase(name: "in order", sequence: [10, 11, 12, 13], expected: 4, received: 4, lost: 0, duplicates: 0),
        LossCase(name: "one gap", sequence: [10, 11, 13], expected: 4, received: 3, lost: 1, duplicates: 0),
        // 65533 65534 65535 | 0 (missing 1) 2 3: seven expected across the wrap, one lost.
        LossCase(name: "gap across wraparound", sequence: [65533, 65534, 65535, 0, 2, 3], expected: 7, received: 6, lost: 1, duplicates: 0),
        LossCase(name: "reordered, nothing lost", sequence: [5, 7, 6, 8], expected: 4, received: 4, lost: 0, duplicates: 0),
        LossCase(name: "late retransmission fills the gap", sequence: [5, 6, 8, 9, 7], expected: 5, received: 5, lost: 0, duplicates: 0),
        LossCase(name: "duplicate", sequence: [1, 2, 2, 3], expected: 3, received: 3, lost: 0, duplicates: 1),
        LossCase(name: "duplicate across the wrap", sequence: [65535, 0, 65535], expected: 2, received: 2, lost: 0, duplicates: 1),
        LossCase(name: "burst of 2000 lost", sequence: [100, 2101], expected: 2002, received: 2, lost: 2000, duplicates: 0),
        // The record of seen packets shifts by 100 bits (across a 64-bit word): 0 is still known as seen.
        LossCase(name: "duplicate after a jump of 100", sequence: [0, 100, 0, 37], expected: 101, received: 3, lost: 98, duplicates: 1),
        // Older than the 1,024-packet record: counted again (a retransmission that late is rare).
        LossCase(name: "very late packet beyond the record", sequence: [0, 1100, 5], expected: 1101, received: 3, lost: 1098, duplicates: 0),
    ]

    @Test("expected / received / lost / duplicates", arguments: cases)
    func loss(_ row: LossCase) {
        var stats = StreamReceiveStatistics()
        for seq in row.sequence { stats.record(sequenceNumber: seq, bytes: 100) }
        #expect(stats.expected == row.expected)
        #expect(stats.received == row.received)
        #expect(stats.lost == row.lost)
        #expect(stats.duplicates == row.duplicates)
        #expect(stats.bytes == row.received * 100)
    }

    @Test("a new window starts after the highest sequence number and ignores older packets")
    func window() {
        var stats = StreamReceiveStatistics()
        for seq: UInt16 in [65530, 65531, 65532] { stats.record(sequenceNumber: seq, bytes: 1) }
        stats.beginWindow()
        #expect(stats.expected == 0)
        #expect(stats.received == 0)
        // 65529 predates the window; 65533...2 is the window with 65535 missing.
        for seq: UInt16 in [65529, 65533, 65534, 0, 1, 2] { stats.record(sequenceNumber: seq, bytes: 1) }
        #expect(stats.beforeWindow == 1)
        #expect(stats.expected == 6)
        #expect(stats.received == 5)
        #expect(stats.lost == 1)
    }

    @Test("totals add streams")
    func totals() {
        var a = StreamReceiveStatistics()
        var b = StreamReceiveStatistics()
        for seq: UInt16 in [1, 3] { a.record(sequenceNumber: seq, bytes: 1) }
        for seq: UInt16 in [7, 7, 8] { b.record(sequenceNumber: seq, bytes: 1) }
        let total = StreamReceiveStatistics.total([a, b])
        #expect(total.received == 4)
        #expect(total.expected == 5)
        #expect(total.lost == 1)
        #expect(total.duplicates == 1)
    }

    @Test("histogram percentiles are within one bucket (about 3 %) of the exact value")
    func histogramPercentiles() throws {
        var histogram = LatencyHistogram()
        // 1...10_000 µs in ns.
        for value in 1...10_000 { histogram.record(UInt64(value) * 1_000) }
        #expect(histogram.count == 10_000)
        #expect(histogram.minimum == 1_000)
        #expect(histogram.maximum == 10_000_000)
        for (fraction, exact) in [(0.5, 5_000_000.0), (0.99, 9_900_000.0), (0.01, 100_000.0)] {
            let value = try #require(histogram.percentile(fraction))
            #expect(abs(Double(value) - exact) / exact < 0.035, "p\(fraction * 100) = \(value), exact \(exact)")
        }
        #expect(histogram.percentile(1.0) == 10_000_000)
        #expect(LatencyHistogram().percentile(0.5) == nil)
    }

    @Test("merge and reset")
    func histogramMerge() {
        var a = LatencyHistogram()
        var b = LatencyHistogram()
        for value: UInt64 in [10, 20, 30] { a.record(value) }
        for value: UInt64 in [1_000_000, 5] { b.record(value) }
        a.merge(b)
        #expect(a.count == 5)
        #expect(a.minimum == 5)
        #expect(a.maximum == 1_000_000)
        #expect(a.sum == 1_000_065)
        #expect(a.percentile(0.5) == 20)
        a.reset()
        #expect(a.count == 0)
        #expect(a.percentile(0.5) == nil)
    }

    @Test("every value lands in a bucket that contains it; values below 32 are exact",
          arguments: [0, 1, 31, 32, 33, 63, 64, 1_000, 999_999, 1 << 40, UInt64.max])
    func buckets(value: UInt64) {
        let index = LatencyHistogram.index(of: value)
        #expect(index >= 0 && index < LatencyHistogram.bucketCount)
        let (lower, width) = LatencyHistogram.range(of: index)
        #expect(lower <= value)
        #expect(value - lower < width)
        if value < 32 { #expect(width == 1) }
        // Width is at most 1/32 of the bucket's lower bound (≈3 % precision).
        if value >= 32 { #expect(width <= lower / 32) }
    }
}
