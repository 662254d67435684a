import LoadPeers
import Testing

/// RFC 3550 §6.4.1 / §A.8 interarrival jitter.
@Suite struct JitterEstimatorTests {
    @Test func constantTransitHasNoJitter() {
        var jitter = JitterEstimator(clockRate: 48_000)
        for index in 0..<50 {
            // 20 ms Opus packets (960 ticks) arriving exactly 20 ms apart.
            jitter.record(rtpTimestamp: UInt32(index * 960), arrivalNanoseconds: UInt64(index) * 20_000_000 + 5_000_000)
        }
        #expect(jitter.jitter == 0)
    }

    @Test func followsTheRFCRecurrence() {
        // clock 48 kHz: 48 ticks per ms.
        // packet 0: S=0,    R=0 ms   → transit 0
        // packet 1: S=960,  R=21 ms (1008 ticks) → transit 48, D=48, J = 0 + (48-0)/16 = 3
        // packet 2: S=1920, R=40 ms (1920 ticks) → transit 0,  D=48, J = 3 + (48-3)/16 = 5.8125
        var jitter = JitterEstimator(clockRate: 48_000)
        jitter.record(rtpTimestamp: 0, arrivalNanoseconds: 0)
        #expect(jitter.jitter == 0)
        jitter.record(rtpTimestamp: 960, arrivalNanoseconds: 21_000_000)
        #expect(jitter.jitter == 3)
        jitter.record(rtpTimestamp: 1920, arrivalNanoseconds: 40_000_000)
        #expect(jitter.jitter == 5.8125)
        #expect(abs(jitter.milliseconds - 5.8125 / 48) < 1e-12)
    }

    @Test func rtpTimestampWraparoundIsNotAJump() {
        // 90 kHz video, 3000 ticks per 33.3 ms frame, crossing 2^32.
        var jitter = JitterEstimator(clockRate: 90_000)
        let start = UInt32.max - 4_000
        for index in 0..<4 {
            jitter.record(
                rtpTimestamp: start &+ UInt32(index * 3000),
                arrivalNanoseconds: 1_000_000_000 + UInt64(index) * 3000 * 1_000_000_000 / 90_000)
        }
        #expect(jitter.jitter < 1)
    }
}
