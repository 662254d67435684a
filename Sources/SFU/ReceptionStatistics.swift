import RTP

/// RFC 3550 §6.4.1 / Appendix A.3 and A.8 reception statistics of one
/// received stream: what a receiver report says about it.
public struct ReceptionStatistics: Sendable {
    private var unwrapper = SequenceUnwrapper()
    private var baseSequence: Int64?
    private var received: Int64 = 0
    private var expectedPrior: Int64 = 0
    private var receivedPrior: Int64 = 0
    private var transit: Int64?
    /// Interarrival jitter in RTP timestamp units, scaled by 16 (A.8).
    private var jitterQ4: Int64 = 0
    /// The last SR: the middle 32 bits of its NTP time, its RTP time, and when it arrived.
    private var lastSenderReport: (compactNTP: UInt32, rtpTime: UInt32, receivedNanoseconds: UInt64)?

    public init() {}

    /// Records one packet; `arrivalRTPTime` is the arrival time in the
    /// stream's clock (for jitter).
    public mutating func record(sequenceNumber: UInt16, timestamp: UInt32, arrivalRTPTime: UInt32) {
        let extended = unwrapper.unwrap(sequenceNumber)
        if baseSequence == nil { baseSequence = extended }
        received += 1
        let newTransit = Int64(Int32(bitPattern: arrivalRTPTime &- timestamp))
        if let previous = transit {
            let d = abs(newTransit - previous)
            jitterQ4 += d - ((jitterQ4 + 8) >> 4)
        }
        transit = newTransit
    }

    /// A sender report of this stream arrived.
    public mutating func senderReportReceived(compactNTP: UInt32, rtpTime: UInt32, nowNanoseconds: UInt64) {
        lastSenderReport = (compactNTP, rtpTime, nowNanoseconds)
    }

    /// The sender's clock from its last report: the RTP time it gave and when the report arrived.
    public var senderClock: (rtpTime: UInt32, arrivalNanoseconds: UInt64)? {
        lastSenderReport.map { ($0.rtpTime, $0.receivedNanoseconds) }
    }

    /// The report block for this interval (resets the interval counters).
    public mutating func makeReport(ssrc: SSRC, nowNanoseconds: UInt64) -> ReceptionReport? {
        guard let base = baseSequence, let highest = unwrapper.highestExtended else { return nil }
        let expected = highest - base + 1
        let lost = expected - received
        let expectedInterval = expected - expectedPrior
        let receivedInterval = received - receivedPrior
        expectedPrior = expected
        receivedPrior = received
        let lostInterval = expectedInterval - receivedInterval
        let fraction: UInt8 = expectedInterval <= 0 || lostInterval <= 0
            ? 0 : UInt8(clamping: (lostInterval << 8) / expectedInterval)
        var dlsr: UInt32 = 0
        var lsr: UInt32 = 0
        if let sr = lastSenderReport {
            lsr = sr.compactNTP
            // Delay since the last SR in units of 1/65536 s.
            dlsr = UInt32(clamping: (nowNanoseconds &- sr.receivedNanoseconds) * 65_536 / 1_000_000_000)
        }
        return ReceptionReport(
            ssrc: ssrc, fractionLost: fraction, cumulativeLost: Int32(clamping: max(-0x80_0000, min(0x7F_FFFF, lost))),
            extendedHighestSequenceNumber: UInt32(truncatingIfNeeded: highest),
            jitter: UInt32(clamping: jitterQ4 >> 4), lastSenderReport: lsr, delaySinceLastSenderReport: dlsr)
    }
}
