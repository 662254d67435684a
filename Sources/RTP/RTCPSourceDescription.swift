/// An SDES item type (RFC 3550 §6.5).
public struct SDESItemType: RawRepresentable, Sendable, Hashable {
    /// The 8-bit item type.
    public let rawValue: UInt8
    /// Wraps an item type value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let cname = SDESItemType(rawValue: 1)
    public static let name = SDESItemType(rawValue: 2)
    public static let email = SDESItemType(rawValue: 3)
    public static let phone = SDESItemType(rawValue: 4)
    public static let location = SDESItemType(rawValue: 5)
    public static let tool = SDESItemType(rawValue: 6)
    public static let note = SDESItemType(rawValue: 7)
    public static let priv = SDESItemType(rawValue: 8)
}

/// One SDES item: type, length, text (RFC 3550 §6.5.1):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |    CNAME=1    |     length    | user and domain name        ...
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct SourceDescriptionItem: Sendable, Hashable {
    /// The item type (never 0, which ends a chunk's item list).
    public var type: SDESItemType
    /// The item's bytes (UTF-8 text), at most 255.
    public var text: [UInt8]

    /// An item with raw bytes.
    public init(type: SDESItemType, text: [UInt8]) {
        self.type = type
        self.text = text
    }

    /// An item with UTF-8 text.
    public init(type: SDESItemType, _ text: String) { self.init(type: type, text: Array(text.utf8)) }

    /// The text decoded as UTF-8.
    public var string: String { String(decoding: text, as: UTF8.self) }
}

/// The items describing one source.
public struct SourceDescriptionChunk: Sendable, Hashable {
    /// The SSRC/CSRC described.
    public var source: SSRC
    /// The items, in wire order.
    public var items: [SourceDescriptionItem]

    /// A chunk for `source`.
    public init(source: SSRC, items: [SourceDescriptionItem]) {
        self.source = source
        self.items = items
    }

    /// Bytes on the wire: SSRC, items, at least one null octet, padded to 32 bits.
    var size: Int { roundUpToWord(4 + items.reduce(0) { $0 + 2 + $1.text.count } + 1) }
}

/// Source description (RFC 3550 §6.5):
///
///             0                   1                   2                   3
///             0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///            +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     header |V=2|P|    SC   |  PT=SDES=202  |             length            |
///            +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     chunk  |                          SSRC/CSRC_1                          |
///       1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///            |                           SDES items                          |
///            |                              ...                              |
///            +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     chunk  |                          SSRC/CSRC_2                          |
///       2    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///            |                           SDES items                          |
///            +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///
/// Each chunk's item list ends with a null octet and is padded to 32 bits.
public struct SourceDescription: RTCPPacketCodable {
    /// The chunks, at most 31.
    public var chunks: [SourceDescriptionChunk]

    /// An SDES packet with `chunks`.
    public init(chunks: [SourceDescriptionChunk]) { self.chunks = chunks }

    /// An SDES packet carrying one CNAME.
    public init(source: SSRC, cname: String) {
        self.init(chunks: [SourceDescriptionChunk(source: source, items: [SourceDescriptionItem(type: .cname, cname)])])
    }

    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        let (header, body) = try RTCPHeader.split(buffer, expecting: .sourceDescription)
        try self.init(header: header, body: body)
    }

    init(header: RTCPHeader, body: UnsafeRawBufferPointer) throws(RTPError) {
        let total = body.count + RTCPHeader.size
        var offset = 0
        chunks = []
        chunks.reserveCapacity(Int(header.count))
        for _ in 0..<Int(header.count) {
            guard offset + 4 <= body.count else {
                throw .truncated(.sdesChunk, needed: RTCPHeader.size + offset + 4, available: total)
            }
            var chunk = SourceDescriptionChunk(source: SSRC(body.be32(offset)), items: [])
            offset += 4
            while true {
                guard offset < body.count else {
                    throw .truncated(.sdesItem, needed: RTCPHeader.size + offset + 1, available: total)
                }
                let type = body.u8(offset)
                if type == 0 {
                    // End of list; skip the null octets up to the next 32-bit boundary.
                    offset = min(roundUpToWord(offset + 1), body.count)
                    break
                }
                guard offset + 2 <= body.count else {
                    throw .truncated(.sdesItem, needed: RTCPHeader.size + offset + 2, available: total)
                }
                let length = Int(body.u8(offset + 1))
                guard offset + 2 + length <= body.count else {
                    throw .lengthOverflow(.sdesItem, declared: length, available: body.count - offset - 2)
                }
                chunk.items.append(SourceDescriptionItem(type: SDESItemType(rawValue: type), text: body.bytes(offset + 2, length)))
                offset += 2 + length
            }
            chunks.append(chunk)
        }
    }

    public var marshalSize: Int { RTCPHeader.size + chunks.reduce(0) { $0 + $1.size } }

    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        guard chunks.count <= 31 else { throw .tooManyItems(.sdesChunk, count: chunks.count, limit: 31) }
        for chunk in chunks {
            for item in chunk.items {
                guard item.type.rawValue != 0 else { throw .invalidValue(.sdesItem, value: 0) }
                guard item.text.count <= 255 else { throw .invalidValue(.sdesItem, value: item.text.count) }
            }
        }
        let total = try RTCPHeader.write(
            count: UInt8(truncatingIfNeeded: chunks.count), type: .sourceDescription,
            bodySize: marshalSize - RTCPHeader.size, into: buffer)
        var offset = RTCPHeader.size
        for chunk in chunks {
            let end = offset + chunk.size
            buffer.put32(chunk.source.rawValue, offset)
            offset += 4
            for item in chunk.items {
                buffer.put8(item.type.rawValue, offset)
                buffer.put8(UInt8(truncatingIfNeeded: item.text.count), offset + 1)
                buffer.putBytes(item.text, offset + 2)
                offset += 2 + item.text.count
            }
            buffer.zero(offset, end - offset)
            offset = end
        }
        return total
    }
}
