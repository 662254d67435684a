/// One report block of an SR or RR (RFC 3550 §6.4.1):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     |                 SSRC_1 (SSRC of first source)                 |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     | fraction lost |       cumulative number of packets lost       |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |           extended highest sequence number received           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                      interarrival jitter                      |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                         last SR (LSR)                         |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                   delay since last SR (DLSR)                  |
///     +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
public struct ReceptionReport: Sendable, Hashable {
    /// Size of one block on the wire.
    public static let size = 24

    /// The source this block reports on.
    public var ssrc: SSRC
    /// Fraction of packets lost since the last report, in 1/256 units.
    public var fractionLost: UInt8
    /// Cumulative packets lost, a signed 24-bit value; writing clamps it to
    /// -0x800000...0x7FFFFF.
    public var cumulativeLost: Int32
    /// Extended highest sequence number received (cycles << 16 | max seq).
    public var extendedHighestSequenceNumber: UInt32
    /// Interarrival jitter in timestamp units.
    public var jitter: UInt32
    /// Middle 32 bits of the last SR's NTP timestamp (LSR).
    public var lastSenderReport: UInt32
    /// Delay since the last SR in 1/65536 s (DLSR).
    public var delaySinceLastSenderReport: UInt32

    /// A report block with the given fields.
    public init(
        ssrc: SSRC, fractionLost: UInt8 = 0, cumulativeLost: Int32 = 0, extendedHighestSequenceNumber: UInt32 = 0,
        jitter: UInt32 = 0, lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequenceNumber = extendedHighestSequenceNumber
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    /// Reads a block at `offset` (the caller checked 24 bytes are there).
    init(_ b: UnsafeRawBufferPointer, at offset: Int) {
        ssrc = SSRC(b.be32(offset))
        let word = b.be32(offset + 4)
        fractionLost = UInt8(truncatingIfNeeded: word >> 24)
        cumulativeLost = Int32(bitPattern: word << 8) >> 8  // sign-extend 24 bits
        extendedHighestSequenceNumber = b.be32(offset + 8)
        jitter = b.be32(offset + 12)
        lastSenderReport = b.be32(offset + 16)
        delaySinceLastSenderReport = b.be32(offset + 20)
    }

    /// Writes the block at `offset` (the caller checked the size).
    func write(into b: UnsafeMutableRawBufferPointer, at offset: Int) {
        b.put32(ssrc.rawValue, offset)
        let lost = UInt32(bitPattern: min(max(cumulativeLost, -0x80_0000), 0x7F_FFFF)) & 0xFF_FFFF
        b.put32(UInt32(fractionLost) << 24 | lost, offset + 4)
        b.put32(extendedHighestSequenceNumber, offset + 8)
        b.put32(jitter, offset + 12)
        b.put32(lastSenderReport, offset + 16)
        b.put32(delaySinceLastSenderReport, offset + 20)
    }

    /// Reads `count` blocks starting at `offset` of `body`.
    static func parseList(_ body: UnsafeRawBufferPointer, at offset: Int, count: Int) throws(RTPError) -> [ReceptionReport] {
        let needed = offset + count * size
        guard needed <= body.count else {
            throw .truncated(.receptionReport, needed: needed + RTCPHeader.size, available: body.count + RTCPHeader.size)
        }
        var reports: [ReceptionReport] = []
        reports.reserveCapacity(count)
        for i in 0..<count { reports.append(ReceptionReport(body, at: offset + i * size)) }
        return reports
    }
}
