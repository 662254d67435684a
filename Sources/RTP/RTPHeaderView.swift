/// A parsed, non-allocating view of an RTP packet (RFC 3550 §5.1).
///
/// The view stores the fixed header fields and the offsets of the CSRC list,
/// header extension, payload and padding; it does not keep the bytes. Methods
/// that read variable parts (`csrc(at:in:)`, `extensionData(id:in:)`, …) take
/// the same buffer again and bounds-check against it, so passing a different
/// or shorter buffer yields `nil`, never an out-of-bounds read.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P|X|  CC   |M|     PT      |       sequence number         |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                           timestamp                           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |           synchronization source (SSRC) identifier            |
///     +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     |            contributing source (CSRC) identifiers             |
///     |                             ....                              |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |      defined by profile       |           length              |  (X=1, §5.3.1)
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                        header extension                       |
///     |                             ....                              |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                    payload   ....   | padding | padding count |  (P=1)
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct RTPHeaderView: Sendable, Hashable {
    /// Size of the fixed part of the header.
    public static let fixedHeaderSize = 12

    /// The marker bit (M).
    public let marker: Bool
    /// The payload type (PT), 0...127.
    public let payloadType: UInt8
    /// The sequence number.
    public let sequenceNumber: UInt16
    /// The RTP timestamp.
    public let timestamp: UInt32
    /// The synchronization source.
    public let ssrc: SSRC
    /// Number of CSRC identifiers (CC), 0...15.
    public let csrcCount: Int
    /// The padding bit (P).
    public let hasPadding: Bool
    /// The header extension's 16-bit profile, or `nil` when X=0.
    public let extensionProfile: UInt16?
    /// Offset of the extension data (after its 4-byte header); 0 when absent.
    public let extensionOffset: Int
    /// Length of the extension data in bytes (a multiple of 4).
    public let extensionLength: Int
    /// Offset of the payload, which is also the header length.
    public let payloadOffset: Int
    /// Length of the payload in bytes (padding excluded).
    public let payloadLength: Int
    /// Number of padding bytes, including the count octet; 0 when P=0.
    public let paddingLength: Int

    /// Total packet length: header, payload and padding.
    public var packetLength: Int { payloadOffset + payloadLength + paddingLength }
    /// Byte range of the payload within the packet.
    public var payloadRange: Range<Int> { payloadOffset..<(payloadOffset + payloadLength) }
    /// How the header extension's elements are encoded.
    public var extensionForm: RTPHeaderExtensionForm {
        RTPHeaderExtensionForm(profile: extensionProfile)
    }

    /// Parses and validates the packet in `packet`. Its length is the packet's
    /// length (padding is found at its end). Never reads outside `packet`.
    public init(parsing packet: UnsafeRawBufferPointer) throws(RTPError) {
        let count = packet.count
        guard count >= Self.fixedHeaderSize else {
            throw .truncated(.rtpHeader, needed: Self.fixedHeaderSize, available: count)
        }
        let b0 = packet.u8(0)
        guard b0 >> 6 == 2 else { throw .unsupportedVersion(b0 >> 6) }
        let b1 = packet.u8(1)
        let cc = Int(b0 & 0x0F)
        var offset = Self.fixedHeaderSize + cc * 4
        guard offset <= count else { throw .truncated(.csrcList, needed: offset, available: count) }

        var profile: UInt16?
        var extOffset = 0
        var extLength = 0
        if b0 & 0x10 != 0 {
            guard offset + 4 <= count else {
                throw .truncated(.headerExtension, needed: offset + 4, available: count)
            }
            profile = packet.be16(offset)
            extLength = Int(packet.be16(offset + 2)) * 4
            extOffset = offset + 4
            guard extLength <= count - extOffset else {
                throw .lengthOverflow(.headerExtension, declared: extLength, available: count - extOffset)
            }
            offset = extOffset + extLength
            var cursor = RTPExtensionCursor(
                form: RTPHeaderExtensionForm(profile: profile), start: extOffset, end: offset)
            validation: while true {
                switch cursor.next(packet) {
                case .element: continue
                case .end: break validation
                case .malformed(let declared, let available):
                    throw .lengthOverflow(.headerExtensionElement, declared: declared, available: available)
                }
            }
        }

        var padding = 0
        if b0 & 0x20 != 0 {
            guard count > offset else { throw .invalidPadding(length: 0, available: 0) }
            padding = Int(packet.u8(count - 1))
            guard padding >= 1, padding <= count - offset else {
                throw .invalidPadding(length: padding, available: count - offset)
            }
        }

        marker = b1 & 0x80 != 0
        payloadType = b1 & 0x7F
        sequenceNumber = packet.be16(2)
        timestamp = packet.be32(4)
        ssrc = SSRC(packet.be32(8))
        csrcCount = cc
        hasPadding = b0 & 0x20 != 0
        extensionProfile = profile
        extensionOffset = extOffset
        extensionLength = extLength
        payloadOffset = offset
        paddingLength = padding
        payloadLength = count - offset - padding
    }

    /// Parses the packet in `bytes`; see ``init(parsing:)-(UnsafeRawBufferPointer)``.
    public init(parsing bytes: [UInt8]) throws(RTPError) {
        self = try withBytes(bytes) { (b) throws(RTPError) in try RTPHeaderView(parsing: b) }
    }

    /// The CSRC at `index`, or `nil` if out of range or `packet` is too short.
    public func csrc(at index: Int, in packet: UnsafeRawBufferPointer) -> SSRC? {
        let offset = Self.fixedHeaderSize + index * 4
        guard index >= 0, index < csrcCount, offset + 4 <= packet.count else { return nil }
        return SSRC(packet.be32(offset))
    }

    /// The payload bytes within `packet` (empty if `packet` is too short).
    public func payload(in packet: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard payloadOffset + payloadLength <= packet.count else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: packet[payloadRange])
    }

    /// Iterates the RFC 8285 extension elements (none for other profiles).
    public func extensionElements(in packet: UnsafeRawBufferPointer) -> RTPHeaderExtensionIterator {
        let end = extensionOffset + extensionLength
        let form = end <= packet.count ? extensionForm : .none
        return RTPHeaderExtensionIterator(
            packet: packet, cursor: RTPExtensionCursor(form: form, start: extensionOffset, end: end))
    }

    /// The byte range of the value of extension element `id`, if present.
    public func extensionRange(id: UInt8, in packet: UnsafeRawBufferPointer) -> Range<Int>? {
        guard id != 0 else { return nil }
        var elements = extensionElements(in: packet)
        while let element = elements.next() {
            if element.id == id { return element.range }
        }
        return nil
    }

    /// The value bytes of extension element `id`, if present.
    public func extensionData(id: UInt8, in packet: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard let range = extensionRange(id: id, in: packet) else { return nil }
        return UnsafeRawBufferPointer(rebasing: packet[range])
    }
}
