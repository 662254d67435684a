/// An owned RTP packet: header, payload and padding (RFC 3550 §5.1).
///
/// Convenient for tests, tools and the control plane. The forwarding path
/// uses ``RTPHeaderView`` and ``RTPHeaderView/rewrite(_:with:into:)`` instead.
public struct RTPPacket: Sendable, Hashable {
    /// The header.
    public var header: RTPHeader
    /// The payload bytes.
    public var payload: [UInt8]
    /// Padding bytes including the count octet, 0...255 (0: P=0).
    public var paddingLength: UInt8

    /// A packet from its parts.
    public init(header: RTPHeader, payload: [UInt8], paddingLength: UInt8 = 0) {
        self.header = header
        self.payload = payload
        self.paddingLength = paddingLength
    }

    /// Parses a whole packet.
    public init(parsing packet: UnsafeRawBufferPointer) throws(RTPError) {
        let view = try RTPHeaderView(parsing: packet)
        header = RTPHeader(view: view, packet: packet)
        payload = packet.bytes(view.payloadOffset, view.payloadLength)
        paddingLength = UInt8(truncatingIfNeeded: view.paddingLength)
    }

    /// Parses a whole packet from an array.
    public init(parsing bytes: [UInt8]) throws(RTPError) {
        self = try withBytes(bytes) { (b) throws(RTPError) in try RTPPacket(parsing: b) }
    }

    /// Bytes `write(into:)` produces.
    public var marshalSize: Int { header.marshalSize + payload.count + Int(paddingLength) }

    /// Writes the packet to the start of `buffer`; returns the bytes written.
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        let size = marshalSize
        guard buffer.count >= size else { throw .bufferTooSmall(needed: size, available: buffer.count) }
        var offset = try header.write(into: buffer, padding: paddingLength > 0)
        buffer.putBytes(payload, offset)
        offset += payload.count
        if paddingLength > 0 {
            buffer.zero(offset, Int(paddingLength) - 1)
            offset += Int(paddingLength)
            buffer.put8(paddingLength, offset - 1)
        }
        return offset
    }

    /// The packet's bytes.
    public func marshal() throws(RTPError) -> [UInt8] {
        try makeBytes(size: marshalSize) { (b) throws(RTPError) in try write(into: b) }
    }
}
