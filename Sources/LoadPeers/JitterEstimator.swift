/// Interarrival jitter of one RTP stream (RFC 3550 §6.4.1, computed as in
/// §A.8): for packets i−1 and i with RTP timestamps S and arrival times R
/// (both in timestamp units),
///
///     D(i−1, i) = (R_i − R_{i−1}) − (S_i − S_{i−1})
///     J_i = J_{i−1} + (|D(i−1, i)| − J_{i−1}) / 16
///
/// Arrival times are taken in nanoseconds and converted with the stream's
/// clock rate. Packets are fed in arrival order; retransmissions and
/// reordered packets take part like any other (as in the RFC).
public struct JitterEstimator: Sendable, Hashable {
    /// RTP clock rate (90,000 for video, 48,000 for Opus).
    public let clockRate: Int
    /// The current estimate, in RTP timestamp units.
    public private(set) var jitter: Double = 0
    private var previousTransit: UInt32?

    public init(clockRate: Int) {
        self.clockRate = max(1, clockRate)
    }

    /// Takes one packet: its RTP timestamp and its arrival time (nanoseconds, any fixed origin).
    public mutating func record(rtpTimestamp: UInt32, arrivalNanoseconds: UInt64) {
        // Arrival in timestamp units, kept modulo 2^32 like the RTP timestamp
        // so the difference below wraps the same way (RFC 3550 §A.8 uses
        // 32-bit unsigned arithmetic for `transit`).
        let arrivalUnits = UInt64((Double(arrivalNanoseconds) * Double(clockRate) / 1e9).rounded(.down))
        let transit = UInt32(truncatingIfNeeded: arrivalUnits) &- rtpTimestamp
        defer { previousTransit = transit }
        guard let previousTransit else { return }
        let difference = abs(Double(Int32(bitPattern: transit &- previousTransit)))
        jitter += (difference - jitter) / 16
    }

    /// The estimate in milliseconds.
    public var milliseconds: Double { jitter * 1000 / Double(clockRate) }
}
