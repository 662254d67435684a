/// Goodbye (RFC 3550 §6.6):
///
///            0                   1                   2                   3
///            0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///           +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///           |V=2|P|    SC   |   PT=BYE=203  |             length            |
///           +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///           |                           SSRC/CSRC                           |
///           +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///           :                              ...                              :
///           +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     (opt) |     length    |               reason for leaving            ...
///           +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct Goodbye: RTCPPacketCodable {
    /// The sources leaving, at most 31.
    public var sources: [SSRC]
    /// The optional reason (UTF-8), at most 255 bytes; empty when absent.
    public var reason: [UInt8]

    /// A BYE for `sources` with an optional reason.
    public init(sources: [SSRC], reason: String = "") {
        self.sources = sources
        self.reason = Array(reason.utf8)
    }

    /// The reason decoded as UTF-8.
    public var reasonText: String { String(decoding: reason, as: UTF8.self) }

    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        let (header, body) = try RTCPHeader.split(buffer, expecting: .goodbye)
        try self.init(header: header, body: body)
    }

    init(header: RTCPHeader, body: UnsafeRawBufferPointer) throws(RTPError) {
        let count = Int(header.count)
        guard count * 4 <= body.count else {
            throw .truncated(.goodbye, needed: RTCPHeader.size + count * 4, available: RTCPHeader.size + body.count)
        }
        sources = (0..<count).map { SSRC(body.be32($0 * 4)) }
        let offset = count * 4
        if offset < body.count {
            let length = Int(body.u8(offset))
            guard offset + 1 + length <= body.count else {
                throw .lengthOverflow(.goodbye, declared: length, available: body.count - offset - 1)
            }
            reason = body.bytes(offset + 1, length)
        } else {
            reason = []
        }
    }

    public var marshalSize: Int {
        RTCPHeader.size + sources.count * 4 + (reason.isEmpty ? 0 : roundUpToWord(1 + reason.count))
    }

    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        guard sources.count <= 31 else { throw .tooManyItems(.goodbye, count: sources.count, limit: 31) }
        guard reason.count <= 255 else { throw .invalidValue(.goodbye, value: reason.count) }
        let total = try RTCPHeader.write(
            count: UInt8(truncatingIfNeeded: sources.count), type: .goodbye,
            bodySize: marshalSize - RTCPHeader.size, into: buffer)
        var offset = RTCPHeader.size
        for source in sources {
            buffer.put32(source.rawValue, offset)
            offset += 4
        }
        if !reason.isEmpty {
            buffer.put8(UInt8(truncatingIfNeeded: reason.count), offset)
            buffer.putBytes(reason, offset + 1)
            buffer.zero(offset + 1 + reason.count, total - offset - 1 - reason.count)
        }
        return total
    }
}
