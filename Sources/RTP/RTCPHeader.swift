/// An RTCP packet type (RFC 3550 §12.1, RFC 4585 §6.1).
public struct RTCPPacketType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The 8-bit PT value.
    public let rawValue: UInt8
    /// Wraps a PT value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// SR (RFC 3550 §6.4.1).
    public static let senderReport = RTCPPacketType(rawValue: 200)
    /// RR (RFC 3550 §6.4.2).
    public static let receiverReport = RTCPPacketType(rawValue: 201)
    /// SDES (RFC 3550 §6.5).
    public static let sourceDescription = RTCPPacketType(rawValue: 202)
    /// BYE (RFC 3550 §6.6).
    public static let goodbye = RTCPPacketType(rawValue: 203)
    /// APP (RFC 3550 §6.7).
    public static let applicationDefined = RTCPPacketType(rawValue: 204)
    /// RTPFB, transport-layer feedback (RFC 4585 §6.2).
    public static let transportFeedback = RTCPPacketType(rawValue: 205)
    /// PSFB, payload-specific feedback (RFC 4585 §6.3).
    public static let payloadFeedback = RTCPPacketType(rawValue: 206)

    public var description: String { "PT=\(rawValue)" }
}

/// The common RTCP header (RFC 3550 §6.4.1):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P|    RC   |      PT       |             length            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// RC is the report/source count, the FMT of feedback messages (RFC 4585
/// §6.1) or the APP subtype; length is the packet size in 32-bit words
/// minus one, header included.
public struct RTCPHeader: Sendable, Hashable {
    /// Size of the common header.
    public static let size = 4

    /// The padding bit (P).
    public var padding: Bool
    /// The 5-bit count / FMT / subtype field.
    public var count: UInt8
    /// The packet type.
    public var packetType: RTCPPacketType
    /// The length field: packet size in 32-bit words minus one.
    public var length: UInt16

    /// A header with the given fields.
    public init(padding: Bool = false, count: UInt8, packetType: RTCPPacketType, length: UInt16) {
        self.padding = padding
        self.count = count
        self.packetType = packetType
        self.length = length
    }

    /// Size in bytes of the whole packet this header starts.
    public var packetSize: Int { (Int(length) + 1) * 4 }

    /// Parses the header at the start of `buffer` and checks that the packet
    /// it declares fits in `buffer`.
    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        guard buffer.count >= Self.size else {
            throw .truncated(.rtcpHeader, needed: Self.size, available: buffer.count)
        }
        let b0 = buffer.u8(0)
        guard b0 >> 6 == 2 else { throw .unsupportedVersion(b0 >> 6) }
        padding = b0 & 0x20 != 0
        count = b0 & 0x1F
        packetType = RTCPPacketType(rawValue: buffer.u8(1))
        length = buffer.be16(2)
        guard packetSize <= buffer.count else {
            throw .lengthOverflow(.rtcpHeader, declared: packetSize, available: buffer.count)
        }
    }

    /// Parses one packet's header and returns its body: the bytes after the
    /// header up to the declared length, with padding removed.
    static func split(_ buffer: UnsafeRawBufferPointer) throws(RTPError) -> (RTCPHeader, UnsafeRawBufferPointer) {
        let header = try RTCPHeader(parsing: buffer)
        var end = header.packetSize
        if header.padding {
            let available = end - size
            let pad = available > 0 ? Int(buffer.u8(end - 1)) : 0
            // RFC 3550 §6.4.1: the count includes itself. (It should be a
            // multiple of four, but libwebrtc pads transport-cc feedback by
            // 1...3 bytes, so any count that fits is accepted.)
            guard pad >= 1, pad <= available else {
                throw .invalidPadding(length: pad, available: available)
            }
            end -= pad
        }
        return (header, UnsafeRawBufferPointer(rebasing: buffer[size..<end]))
    }

    /// `split`, then checks the packet type.
    static func split(
        _ buffer: UnsafeRawBufferPointer, expecting type: RTCPPacketType
    ) throws(RTPError) -> (RTCPHeader, UnsafeRawBufferPointer) {
        let (header, body) = try split(buffer)
        guard header.packetType == type else {
            throw .unexpectedPacketType(expected: type.rawValue, actual: header.packetType.rawValue)
        }
        return (header, body)
    }

    /// Size of a packet whose body (after the common header) is `bodySize`
    /// bytes: bodies that are not a multiple of four get padding.
    static func packetSize(bodySize: Int) -> Int { size + roundUpToWord(bodySize) }

    /// Writes the common header for a body of `bodySize` bytes, after checking
    /// `buffer` holds the whole packet. A body that is not a multiple of four
    /// is followed by padding (P=1, zeros, then the count octet), which this
    /// writes too; the caller writes the body at `4..<4+bodySize`.
    /// Returns the packet size.
    static func write(
        count: UInt8, type: RTCPPacketType, bodySize: Int, into buffer: UnsafeMutableRawBufferPointer
    ) throws(RTPError) -> Int {
        let total = packetSize(bodySize: bodySize)
        guard total <= 0x10000 * 4 else { throw .tooManyItems(.rtcpHeader, count: total, limit: 0x10000 * 4) }
        guard buffer.count >= total else { throw .bufferTooSmall(needed: total, available: buffer.count) }
        let pad = total - size - bodySize
        buffer.put8(0x80 | (pad > 0 ? 0x20 : 0) | count & 0x1F, 0)
        buffer.put8(type.rawValue, 1)
        buffer.put16(UInt16(truncatingIfNeeded: total / 4 - 1), 2)
        if pad > 0 {
            buffer.zero(total - pad, pad - 1)
            buffer.put8(UInt8(truncatingIfNeeded: pad), total - 1)
        }
        return total
    }
}

/// The calls every RTCP packet type shares: parse one packet from bytes,
/// report its size, write it into a caller's buffer.
public protocol RTCPPacketCodable: Sendable, Hashable {
    /// Parses one packet from the start of `buffer` (bytes after its declared
    /// length are ignored).
    init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError)
    /// Bytes `write(into:)` produces, header included.
    var marshalSize: Int { get }
    /// Writes the packet to the start of `buffer`; returns the bytes written.
    func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int
}

extension RTCPPacketCodable {
    /// Parses one packet from an array.
    public init(parsing bytes: [UInt8]) throws(RTPError) {
        self = try withBytes(bytes) { (b) throws(RTPError) in try Self(parsing: b) }
    }

    /// The packet's bytes.
    public func marshal() throws(RTPError) -> [UInt8] {
        try makeBytes(size: marshalSize) { (b) throws(RTPError) in try write(into: b) }
    }
}
