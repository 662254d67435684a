/// Rewrites the sequence numbers and timestamps of the packets one consumer
/// forwards, so that the subscriber sees one continuous stream whatever the
/// SFU does upstream: simulcast layer switches (a different source SSRC with
/// its own sequence and timestamp space), pauses, and dropped packets.
///
/// mediasoup's RtpSeqManager idea: output = input + offset (mod 2^16 / 2^32);
/// the offsets are recomputed when the source changes so that the first
/// packet of the new source follows the last packet sent. Packets of a
/// previous source arriving after a switch are dropped.
import RTP

public struct StreamRewriter: Sendable {
    public struct Output: Sendable, Equatable {
        public var sequenceNumber: UInt16
        public var timestamp: UInt32
    }

    private var sourceSSRC: UInt32?
    private var sequenceOffset: UInt16 = 0
    private var timestampOffset: UInt32 = 0
    /// Last output sequence number and timestamp, and when it was sent.
    private var lastOutputSequence: UInt16 = 0
    private var lastOutputTimestamp: UInt32 = 0
    private var lastOutputNanoseconds: UInt64 = 0
    private var started = false
    /// Source sequence numbers of the current source, extended to 64 bits,
    /// and the extended number of its first forwarded packet: anything
    /// before it belongs to the previous source's era. (Comparing 16-bit
    /// numbers instead would misjudge every packet 2^15 or more after a switch.)
    private var sourceUnwrapper = SequenceUnwrapper()
    private var firstExtendedSourceSequence: Int64 = 0

    /// Clock rate of the stream (90,000 for video, 48,000 for Opus).
    public let clockRate: UInt32

    public init(clockRate: UInt32, initialSequence: UInt16 = 0, initialTimestamp: UInt32 = 0) {
        self.clockRate = clockRate
        lastOutputSequence = initialSequence &- 1
        lastOutputTimestamp = initialTimestamp
    }

    /// Whether the rewriter has sent anything yet.
    public var hasStarted: Bool { started }
    /// Last sequence number written (meaningful once `hasStarted`).
    public var lastSequenceNumber: UInt16 { lastOutputSequence }
    /// Last timestamp written (meaningful once `hasStarted`).
    public var lastTimestamp: UInt32 { lastOutputTimestamp }

    /// Maps one source packet to its output numbers, or nil when the packet
    /// must be dropped (it predates a switch, or is an old duplicate).
    public mutating func rewrite(
        sourceSSRC ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32, nowNanoseconds: UInt64
    ) -> Output? {
        if sourceSSRC != ssrc {
            switchSource(to: ssrc, sequenceNumber: sequenceNumber, timestamp: timestamp, nowNanoseconds: nowNanoseconds)
        }
        let outSeq = sequenceNumber &+ sequenceOffset
        let outTS = timestamp &+ timestampOffset
        // Drop packets from before this source's first output packet.
        if sourceUnwrapper.unwrap(sequenceNumber) < firstExtendedSourceSequence { return nil }
        if !started || Self.isOlder(lastOutputSequence, than: outSeq) {
            lastOutputSequence = outSeq
            lastOutputTimestamp = outTS
            lastOutputNanoseconds = nowNanoseconds
        }
        started = true
        return Output(sequenceNumber: outSeq, timestamp: outTS)
    }

    /// Output sequence number for a retransmission of source packet
    /// `sequenceNumber` of the current source (nil when it is from another era).
    public func outputSequence(forSource sequenceNumber: UInt16) -> UInt16? {
        guard started, isCurrentEra(sourceSequence: sequenceNumber) else { return nil }
        return sequenceNumber &+ sequenceOffset
    }

    /// Offset added to source timestamps of the current source (for retransmissions).
    public var timestampOffsetForRetransmission: UInt32 { timestampOffset }

    /// Source sequence number for an output sequence number the subscriber NACKed.
    public func sourceSequence(forOutput sequenceNumber: UInt16) -> UInt16? {
        let source = sequenceNumber &- sequenceOffset
        guard started, isCurrentEra(sourceSequence: source) else { return nil }
        return source
    }

    /// Whether a source sequence number (near the newest one) was sent in the
    /// current source's era.
    private func isCurrentEra(sourceSequence: UInt16) -> Bool {
        guard let highest = sourceUnwrapper.highestExtended else { return false }
        let extended = highest + Int64(SerialNumber.distance(from: UInt16(truncatingIfNeeded: highest), to: sourceSequence))
        return extended >= firstExtendedSourceSequence
    }

    private mutating func switchSource(to ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32, nowNanoseconds: UInt64) {
        let nextSeq = lastOutputSequence &+ 1
        sequenceOffset = nextSeq &- sequenceNumber
        if started {
            // Advance the timestamp by the wall time since the last packet
            // (at least one tick), so players see time move forward.
            let elapsed = nowNanoseconds &- lastOutputNanoseconds
            let ticks = UInt32(truncatingIfNeeded: max(1, elapsed / 1_000 * UInt64(clockRate) / 1_000_000))
            timestampOffset = (lastOutputTimestamp &+ ticks) &- timestamp
        } else {
            timestampOffset = lastOutputTimestamp &- timestamp
        }
        sourceUnwrapper = SequenceUnwrapper()
        firstExtendedSourceSequence = sourceUnwrapper.unwrap(sequenceNumber)
        sourceSSRC = ssrc
    }

    /// RFC 3550 wrap-aware "a is before b" for 16-bit sequence numbers.
    @inline(__always)
    static func isOlder(_ a: UInt16, than b: UInt16) -> Bool {
        a != b && (b &- a) < 0x8000
    }
}
