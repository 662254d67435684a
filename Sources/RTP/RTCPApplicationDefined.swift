/// Application-defined packet (RFC 3550 §6.7), passed through unchanged:
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P| subtype |   PT=APP=204  |             length            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                           SSRC/CSRC                           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                          name (ASCII)                         |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                   application-dependent data                ...
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct ApplicationDefined: RTCPPacketCodable {
    /// The 5-bit subtype.
    public var subtype: UInt8
    /// The sender's SSRC/CSRC.
    public var ssrc: SSRC
    /// The four ASCII name characters as one big-endian word.
    public var name: UInt32
    /// Application data (should be a multiple of 4 bytes; other lengths are
    /// written with RTCP padding).
    public var data: [UInt8]

    /// An APP packet with the given fields.
    public init(subtype: UInt8, ssrc: SSRC, name: UInt32, data: [UInt8]) {
        self.subtype = subtype
        self.ssrc = ssrc
        self.name = name
        self.data = data
    }

    /// The name as four characters.
    public var nameText: String {
        String(decoding: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: name >> $0) }, as: UTF8.self)
    }

    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        let (header, body) = try RTCPHeader.split(buffer, expecting: .applicationDefined)
        try self.init(header: header, body: body)
    }

    init(header: RTCPHeader, body: UnsafeRawBufferPointer) throws(RTPError) {
        guard body.count >= 8 else {
            throw .truncated(.applicationDefined, needed: RTCPHeader.size + 8, available: RTCPHeader.size + body.count)
        }
        subtype = header.count
        ssrc = SSRC(body.be32(0))
        name = body.be32(4)
        data = body.bytes(8, body.count - 8)
    }

    public var marshalSize: Int { RTCPHeader.packetSize(bodySize: 8 + data.count) }

    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        guard subtype < 32 else { throw .invalidValue(.applicationDefined, value: Int(subtype)) }
        let total = try RTCPHeader.write(
            count: subtype, type: .applicationDefined, bodySize: 8 + data.count, into: buffer)
        buffer.put32(ssrc.rawValue, 4)
        buffer.put32(name, 8)
        buffer.putBytes(data, 12)
        return total
    }
}

/// An RTCP packet of a type or format this module does not model, kept as
/// its header fields and body so it can be forwarded unchanged.
public struct RawRTCPPacket: RTCPPacketCodable {
    /// The 5-bit count / FMT / subtype field.
    public var count: UInt8
    /// The packet type.
    public var packetType: RTCPPacketType
    /// The bytes after the common header, padding removed.
    public var body: [UInt8]

    /// A raw packet with the given fields.
    public init(count: UInt8, packetType: RTCPPacketType, body: [UInt8]) {
        self.count = count
        self.packetType = packetType
        self.body = body
    }

    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        let (header, body) = try RTCPHeader.split(buffer)
        self.init(header: header, body: body)
    }

    init(header: RTCPHeader, body: UnsafeRawBufferPointer) {
        count = header.count
        packetType = header.packetType
        self.body = Array(body)
    }

    public var marshalSize: Int { RTCPHeader.packetSize(bodySize: body.count) }

    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        guard count < 32 else { throw .invalidValue(.rtcpHeader, value: Int(count)) }
        let total = try RTCPHeader.write(count: count, type: packetType, bodySize: body.count, into: buffer)
        buffer.putBytes(body, RTCPHeader.size)
        return total
    }
}
