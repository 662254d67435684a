/// One Generic NACK FCI entry (RFC 4585 §6.2.1):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |            PID                |             BLP               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// PID is a lost sequence number; bit i of BLP (LSB = bit 0) marks PID+i+1 lost.
public struct NACKPair: Sendable, Hashable {
    /// The first lost sequence number (PID).
    public var packetID: UInt16
    /// Bitmask of following lost packets (BLP).
    public var lostBitmask: UInt16

    /// An entry with PID and BLP.
    public init(packetID: UInt16, lostBitmask: UInt16 = 0) {
        self.packetID = packetID
        self.lostBitmask = lostBitmask
    }

    /// Calls `body` with each lost sequence number, in order, without allocating.
    @inlinable
    public func forEachLost(_ body: (UInt16) throws -> Void) rethrows {
        try body(packetID)
        var mask = lostBitmask
        var i: UInt16 = 1
        while mask != 0 {
            if mask & 1 != 0 { try body(packetID &+ i) }
            mask >>= 1
            i &+= 1
        }
    }

    /// The lost sequence numbers this entry names (1 to 17).
    public var sequenceNumbers: [UInt16] {
        var out: [UInt16] = []
        forEachLost { out.append($0) }
        return out
    }

    /// Packs lost sequence numbers, in send order (wrap-around allowed), into
    /// entries. A number more than 16 after the current entry's PID, or
    /// not after it at all, starts a new entry.
    public static func pairs(fromLost lost: [UInt16]) -> [NACKPair] {
        var pairs: [NACKPair] = []
        for seq in lost {
            if var last = pairs.last {
                let d = seq &- last.packetID
                if d >= 1 && d <= 16 {
                    last.lostBitmask |= 1 << (d - 1)
                    pairs[pairs.count - 1] = last
                    continue
                }
                if d == 0 { continue }
            }
            pairs.append(NACKPair(packetID: seq))
        }
        return pairs
    }
}

/// Generic NACK, transport-layer feedback FMT=1 (RFC 4585 §6.2.1):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P| FMT=1   |    PT=205     |          length               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                  SSRC of packet sender                        |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                  SSRC of media source                         |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |            PID                |             BLP               |  (repeated)
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct GenericNACK: RTCPPacketCodable {
    /// The FMT value of Generic NACK.
    public static let format: UInt8 = 1

    /// SSRC of the packet sender.
    public var senderSSRC: SSRC
    /// SSRC of the media source whose packets were lost.
    public var mediaSSRC: SSRC
    /// The FCI entries.
    public var pairs: [NACKPair]

    /// A NACK with explicit entries.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC, pairs: [NACKPair]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.pairs = pairs
    }

    /// A NACK for a list of lost sequence numbers (see ``NACKPair/pairs(fromLost:)``).
    public init(senderSSRC: SSRC, mediaSSRC: SSRC, lost: [UInt16]) {
        self.init(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, pairs: NACKPair.pairs(fromLost: lost))
    }

    /// Every lost sequence number named, in entry order.
    public var lostSequenceNumbers: [UInt16] {
        var out: [UInt16] = []
        for pair in pairs { pair.forEachLost { out.append($0) } }
        return out
    }

    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        let (header, body) = try RTCPHeader.split(buffer, expecting: .transportFeedback)
        guard header.count == Self.format else { throw .unexpectedFormat(expected: Self.format, actual: header.count) }
        try self.init(header: header, body: body)
    }

    init(header: RTCPHeader, body: UnsafeRawBufferPointer) throws(RTPError) {
        (senderSSRC, mediaSSRC) = try parseFeedbackSSRCs(body, .genericNACK)
        let entries = (body.count - 8) / 4
        pairs = (0..<entries).map { NACKPair(packetID: body.be16(8 + $0 * 4), lostBitmask: body.be16(10 + $0 * 4)) }
    }

    public var marshalSize: Int { RTCPHeader.size + 8 + pairs.count * 4 }

    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        let total = try writeFeedbackHeader(
            format: Self.format, type: .transportFeedback, sender: senderSSRC, media: mediaSSRC,
            fciSize: pairs.count * 4, into: buffer)
        var offset = 12
        for pair in pairs {
            buffer.put16(pair.packetID, offset)
            buffer.put16(pair.lostBitmask, offset + 2)
            offset += 4
        }
        return total
    }
}

/// Reads the two SSRCs every feedback message starts with (RFC 4585 §6.1).
func parseFeedbackSSRCs(
    _ body: UnsafeRawBufferPointer, _ structure: RTPError.Structure
) throws(RTPError) -> (SSRC, SSRC) {
    guard body.count >= 8 else {
        throw .truncated(structure, needed: RTCPHeader.size + 8, available: RTCPHeader.size + body.count)
    }
    return (SSRC(body.be32(0)), SSRC(body.be32(4)))
}

/// Writes the common header and both SSRCs of a feedback message; returns
/// the total packet size. The FCI starts at byte 12.
func writeFeedbackHeader(
    format: UInt8, type: RTCPPacketType, sender: SSRC, media: SSRC, fciSize: Int,
    into buffer: UnsafeMutableRawBufferPointer
) throws(RTPError) -> Int {
    let total = try RTCPHeader.write(count: format, type: type, bodySize: 8 + fciSize, into: buffer)
    buffer.put32(sender.rawValue, 4)
    buffer.put32(media.rawValue, 8)
    return total
}
