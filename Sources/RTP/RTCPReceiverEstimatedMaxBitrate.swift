/// Receiver Estimated Maximum Bitrate, payload-specific feedback FMT=15
/// (application layer feedback) with the "REMB" identifier
/// (draft-alvestrand-rmcat-remb-03 §2.2):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P| FMT=15  |   PT=206      |             length            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                  SSRC of packet sender                        |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                  SSRC of media source (0)                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  Unique identifier 'R' 'E' 'M' 'B'                            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  Num SSRC     | BR Exp    |  BR Mantissa                      |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |   SSRC feedback                                               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  ...                                                          |
///
/// The bitrate in bits per second is `mantissa << exponent`.
public struct ReceiverEstimatedMaxBitrate: RTCPPacketCodable {
    /// The FMT value of application layer feedback.
    public static let format: UInt8 = 15
    /// "REMB" as a big-endian word.
    public static let identifier: UInt32 = 0x5245_4D42

    /// SSRC of the packet sender.
    public var senderSSRC: SSRC
    /// SSRC of media source (0 per the draft; kept as received).
    public var mediaSSRC: SSRC
    /// BR Exp, 0...63.
    public var exponent: UInt8
    /// BR Mantissa, 18 bits.
    public var mantissa: UInt32
    /// The SSRCs the estimate applies to, at most 255.
    public var ssrcs: [SSRC]

    /// A REMB with an explicit exponent and mantissa.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC = 0, exponent: UInt8, mantissa: UInt32, ssrcs: [SSRC]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.exponent = exponent
        self.mantissa = mantissa
        self.ssrcs = ssrcs
    }

    /// A REMB for `bitrate` bits per second, rounded down to 18 significant bits.
    public init(senderSSRC: SSRC, bitrate: UInt64, ssrcs: [SSRC]) {
        var exponent: UInt8 = 0
        var mantissa = bitrate
        while mantissa > 0x3FFFF {
            mantissa >>= 1
            exponent += 1
        }
        self.init(senderSSRC: senderSSRC, exponent: exponent, mantissa: UInt32(truncatingIfNeeded: mantissa), ssrcs: ssrcs)
    }

    /// The estimate in bits per second (saturating at `UInt64.max`).
    public var bitrate: UInt64 {
        let m = UInt64(mantissa & 0x3FFFF)
        let e = UInt64(exponent & 0x3F)
        guard m != 0 else { return 0 }
        return m.leadingZeroBitCount >= e ? m << e : UInt64.max
    }

    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        let (header, body) = try RTCPHeader.split(buffer, expecting: .payloadFeedback)
        guard header.count == Self.format else { throw .unexpectedFormat(expected: Self.format, actual: header.count) }
        try self.init(header: header, body: body)
    }

    /// True if an FMT=15 body carries the REMB identifier.
    static func matches(_ body: UnsafeRawBufferPointer) -> Bool {
        body.count >= 12 && body.be32(8) == identifier
    }

    init(header: RTCPHeader, body: UnsafeRawBufferPointer) throws(RTPError) {
        (senderSSRC, mediaSSRC) = try parseFeedbackSSRCs(body, .remb)
        guard body.count >= 16 else {
            throw .truncated(.remb, needed: RTCPHeader.size + 16, available: RTCPHeader.size + body.count)
        }
        guard body.be32(8) == Self.identifier else { throw .invalidValue(.remb, value: Int(body.be32(8))) }
        let count = Int(body.u8(12))
        exponent = body.u8(13) >> 2
        mantissa = body.be24(13) & 0x3FFFF
        guard 16 + count * 4 <= body.count else {
            throw .lengthOverflow(.remb, declared: count * 4, available: body.count - 16)
        }
        ssrcs = (0..<count).map { SSRC(body.be32(16 + $0 * 4)) }
    }

    public var marshalSize: Int { RTCPHeader.size + 16 + ssrcs.count * 4 }

    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        guard ssrcs.count <= 255 else { throw .tooManyItems(.remb, count: ssrcs.count, limit: 255) }
        guard exponent < 64 else { throw .invalidValue(.remb, value: Int(exponent)) }
        guard mantissa <= 0x3FFFF else { throw .invalidValue(.remb, value: Int(mantissa)) }
        let total = try writeFeedbackHeader(
            format: Self.format, type: .payloadFeedback, sender: senderSSRC, media: mediaSSRC,
            fciSize: 8 + ssrcs.count * 4, into: buffer)
        buffer.put32(Self.identifier, 12)
        buffer.put32(UInt32(ssrcs.count) << 24 | UInt32(exponent) << 18 | mantissa, 16)
        var offset = 20
        for ssrc in ssrcs {
            buffer.put32(ssrc.rawValue, offset)
            offset += 4
        }
        return total
    }
}
