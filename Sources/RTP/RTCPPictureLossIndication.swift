/// Picture Loss Indication, payload-specific feedback FMT=1 (RFC 4585 §6.3.1):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P| FMT=1   |    PT=206     |          length=2             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                  SSRC of packet sender                        |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                  SSRC of media source                         |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// PLI has no FCI; any FCI bytes present are ignored.
public struct PictureLossIndication: RTCPPacketCodable {
    /// The FMT value of PLI.
    public static let format: UInt8 = 1

    /// SSRC of the packet sender.
    public var senderSSRC: SSRC
    /// SSRC of the media source asked for a keyframe.
    public var mediaSSRC: SSRC

    /// A PLI from `senderSSRC` about `mediaSSRC`.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
    }

    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        let (header, body) = try RTCPHeader.split(buffer, expecting: .payloadFeedback)
        guard header.count == Self.format else { throw .unexpectedFormat(expected: Self.format, actual: header.count) }
        try self.init(header: header, body: body)
    }

    init(header: RTCPHeader, body: UnsafeRawBufferPointer) throws(RTPError) {
        (senderSSRC, mediaSSRC) = try parseFeedbackSSRCs(body, .feedbackHeader)
    }

    public var marshalSize: Int { RTCPHeader.size + 8 }

    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        try writeFeedbackHeader(
            format: Self.format, type: .payloadFeedback, sender: senderSSRC, media: mediaSSRC, fciSize: 0,
            into: buffer)
    }
}

/// One Full Intra Request FCI entry (RFC 5104 §4.3.1.1):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                              SSRC                             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     | Seq nr.       |    Reserved                                   |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct FIREntry: Sendable, Hashable {
    /// The media sender asked for a decoder refresh.
    public var ssrc: SSRC
    /// Command sequence number, incremented per new request.
    public var sequenceNumber: UInt8

    /// An entry for `ssrc` with command sequence number `sequenceNumber`.
    public init(ssrc: SSRC, sequenceNumber: UInt8) {
        self.ssrc = ssrc
        self.sequenceNumber = sequenceNumber
    }
}

/// Full Intra Request, payload-specific feedback FMT=4 (RFC 5104 §4.3.1).
/// The common part is as for PLI, with "SSRC of media source" set to 0
/// and one ``FIREntry`` per requested sender in the FCI.
public struct FullIntraRequest: RTCPPacketCodable {
    /// The FMT value of FIR.
    public static let format: UInt8 = 4

    /// SSRC of the packet sender.
    public var senderSSRC: SSRC
    /// SSRC of media source (RFC 5104: SHALL be 0; kept as received).
    public var mediaSSRC: SSRC
    /// The FCI entries.
    public var entries: [FIREntry]

    /// A FIR with the given entries.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC = 0, entries: [FIREntry]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.entries = entries
    }

    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        let (header, body) = try RTCPHeader.split(buffer, expecting: .payloadFeedback)
        guard header.count == Self.format else { throw .unexpectedFormat(expected: Self.format, actual: header.count) }
        try self.init(header: header, body: body)
    }

    init(header: RTCPHeader, body: UnsafeRawBufferPointer) throws(RTPError) {
        (senderSSRC, mediaSSRC) = try parseFeedbackSSRCs(body, .fullIntraRequest)
        guard (body.count - 8) % 8 == 0 else {
            throw .truncated(.fullIntraRequest, needed: RTCPHeader.size + body.count + 4, available: RTCPHeader.size + body.count)
        }
        entries = (0..<(body.count - 8) / 8).map {
            FIREntry(ssrc: SSRC(body.be32(8 + $0 * 8)), sequenceNumber: body.u8(12 + $0 * 8))
        }
    }

    public var marshalSize: Int { RTCPHeader.size + 8 + entries.count * 8 }

    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        let total = try writeFeedbackHeader(
            format: Self.format, type: .payloadFeedback, sender: senderSSRC, media: mediaSSRC,
            fciSize: entries.count * 8, into: buffer)
        var offset = 12
        for entry in entries {
            buffer.put32(entry.ssrc.rawValue, offset)
            buffer.put32(UInt32(entry.sequenceNumber) << 24, offset + 4)
            offset += 8
        }
        return total
    }
}
