import SFU
import Testing

/// Found by the fan-out benchmark: every consumer stopped forwarding after
/// 32,769 packets (at 8,000 packets/s after about 4 s; a 150 packets/s
/// camera after about 3.6 minutes) and stayed silent for the next 32,767.
@Suite("Long streams through the SFU's rewriter")
struct LongStreamTests {
    @Test("a consumer forwards 100,000 consecutive packets of one source (sequence wraps)")
    func longStream() {
        var rewriter = StreamRewriter(clockRate: 90_000, initialSequence: 1000, initialTimestamp: 0)
        var dropped = 0
        var firstDropped: Int?
        for index in 0..<100_000 {
            let sequence = UInt16(truncatingIfNeeded: 40_000 + index)
            let out = rewriter.rewrite(
                sourceSSRC: 7, sequenceNumber: sequence, timestamp: UInt32(index) * 3000, nowNanoseconds: UInt64(index))
            if out == nil {
                dropped += 1
                if firstDropped == nil { firstDropped = index }
            }
        }
        withKnownIssue("StreamRewriter.rewrite compares with the first output sequence number of the source without unwrapping: packets 32,769...65,535 after a (re)start are dropped") {
            #expect(dropped == 0, "first dropped packet: index \(firstDropped ?? -1)")
        }
    }
}
