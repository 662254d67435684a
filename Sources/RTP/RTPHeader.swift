/// An RTP header as a value, for building packets (RFC 3550 §5.1).
///
/// For the per-packet receive path use ``RTPHeaderView``, which does not
/// allocate; this type owns its CSRC list and extension values. Padding is a
/// property of the packet (``RTPPacket/paddingLength``), so `write(into:)`
/// always writes P=0.
public struct RTPHeader: Sendable, Hashable {
    /// The marker bit (M).
    public var marker: Bool
    /// The payload type, 0...127.
    public var payloadType: UInt8
    /// The sequence number.
    public var sequenceNumber: UInt16
    /// The RTP timestamp.
    public var timestamp: UInt32
    /// The synchronization source.
    public var ssrc: SSRC
    /// Contributing sources, at most 15.
    public var csrcs: [SSRC]
    /// The header extension block.
    public var extensions: RTPHeaderExtensions

    /// A header with the given fields.
    public init(
        marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32,
        ssrc: SSRC, csrcs: [SSRC] = [], extensions: RTPHeaderExtensions = .none
    ) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.extensions = extensions
    }

    /// Copies the header of a parsed packet (allocates for CSRCs/extensions).
    public init(view: RTPHeaderView, packet: UnsafeRawBufferPointer) {
        self.init(
            marker: view.marker, payloadType: view.payloadType, sequenceNumber: view.sequenceNumber,
            timestamp: view.timestamp, ssrc: view.ssrc,
            csrcs: (0..<view.csrcCount).compactMap { view.csrc(at: $0, in: packet) },
            extensions: RTPHeaderExtensions(view: view, packet: packet))
    }

    /// Parses the header at the start of `packet`.
    public init(parsing packet: UnsafeRawBufferPointer) throws(RTPError) {
        let view = try RTPHeaderView(parsing: packet)
        self.init(view: view, packet: packet)
    }

    /// Bytes `write(into:)` produces.
    public var marshalSize: Int {
        RTPHeaderView.fixedHeaderSize + csrcs.count * 4 + extensions.marshalSize
    }

    /// Writes the header to the start of `buffer`; returns the bytes written.
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        try write(into: buffer, padding: false)
    }

    /// Writes the header with the P bit as given; returns the bytes written.
    func write(into buffer: UnsafeMutableRawBufferPointer, padding: Bool) throws(RTPError) -> Int {
        guard csrcs.count <= 15 else { throw .tooManyItems(.csrcList, count: csrcs.count, limit: 15) }
        guard payloadType <= 127 else { throw .invalidValue(.rtpHeader, value: Int(payloadType)) }
        try extensions.validate()
        let size = marshalSize
        guard buffer.count >= size else { throw .bufferTooSmall(needed: size, available: buffer.count) }
        let x: UInt8 = extensions == .none ? 0 : 0x10
        buffer.put8(0x80 | (padding ? 0x20 : 0) | x | UInt8(csrcs.count), 0)
        buffer.put8((marker ? 0x80 : 0) | payloadType, 1)
        buffer.put16(sequenceNumber, 2)
        buffer.put32(timestamp, 4)
        buffer.put32(ssrc.rawValue, 8)
        var offset = RTPHeaderView.fixedHeaderSize
        for csrc in csrcs {
            buffer.put32(csrc.rawValue, offset)
            offset += 4
        }
        offset += extensions.write(into: buffer, at: offset)
        return offset
    }
}
