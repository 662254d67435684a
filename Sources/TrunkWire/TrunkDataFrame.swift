/// What a data frame carries.
public enum TrunkMediaKind: UInt8, Sendable, Hashable {
    /// An RTP packet.
    case rtp = 0
    /// An RTCP (compound) packet about the track, e.g. sender reports.
    case rtcp = 1
}

/// The compact header in front of the media packet inside a sealed data frame
/// (docs/trunk-protocol.md §5).
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                     track id (trunk-local)                    |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |     layer     |   hop count   |     kind      |  flags (zero) |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |          origin send time (µs since the Unix epoch)           |
///     |                                                               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                  RTP or RTCP packet ...                       |
public struct TrunkDataHeader: Sendable, Hashable {
    /// Header length in bytes.
    public static let size = 16

    /// The track, by the id the subscribing node chose in its subscribe message.
    public var trackID: UInt32
    /// The simulcast / spatial layer index of the packet.
    public var layer: UInt8
    /// How many trunks the packet has crossed, this one included (1 at the origin's first hop).
    public var hopCount: UInt8
    /// RTP or RTCP.
    public var kind: TrunkMediaKind
    /// When the origin node received the packet from the publisher (µs since the
    /// Unix epoch, origin's clock): end-to-end one-way delay at every hop.
    public var originSendTime: UInt64

    public init(trackID: UInt32, layer: UInt8, hopCount: UInt8, kind: TrunkMediaKind = .rtp, originSendTime: UInt64) {
        self.trackID = trackID
        self.layer = layer
        self.hopCount = hopCount
        self.kind = kind
        self.originSendTime = originSendTime
    }

    /// Parses the 16 header bytes at the start of `buffer`.
    public init(parsing buffer: UnsafeRawBufferPointer) throws(TrunkWireError) {
        try buffer.require(Self.size, .dataHeader)
        trackID = buffer.be32(0)
        layer = buffer.u8(4)
        hopCount = buffer.u8(5)
        guard let kind = TrunkMediaKind(rawValue: buffer.u8(6)) else {
            throw .invalidValue(.dataHeader, value: Int(buffer.u8(6)))
        }
        self.kind = kind
        guard buffer.u8(7) == 0 else { throw .invalidValue(.dataHeader, value: Int(buffer.u8(7))) }
        originSendTime = buffer.be64(8)
    }

    /// Always `size`.
    public var marshalSize: Int { Self.size }

    /// Writes the 16 header bytes at the start of `buffer`.
    @discardableResult
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(TrunkWireError) -> Int {
        try buffer.require(Self.size)
        buffer.put32(trackID, 0)
        buffer.put8(layer, 4)
        buffer.put8(hopCount, 5)
        buffer.put8(kind.rawValue, 6)
        buffer.put8(0, 7)
        buffer.put64(originSendTime, 8)
        return Self.size
    }
}

/// The plaintext of a sealed data frame: the compact header and the media packet.
public struct TrunkDataFrame: Sendable, Hashable {
    /// The compact header.
    public var header: TrunkDataHeader
    /// The RTP or RTCP packet, unchanged from how the origin received it.
    public var payload: [UInt8]

    public init(header: TrunkDataHeader, payload: [UInt8]) {
        self.header = header
        self.payload = payload
    }

    /// Parses a data frame plaintext (header, then everything else is payload).
    public init(parsing buffer: UnsafeRawBufferPointer) throws(TrunkWireError) {
        header = try TrunkDataHeader(parsing: buffer)
        payload = Array(UnsafeRawBufferPointer(rebasing: buffer[TrunkDataHeader.size...]))
    }

    /// Parses a data frame plaintext.
    public init(parsing bytes: [UInt8]) throws(TrunkWireError) {
        self = try withBytes(bytes) { (b) throws(TrunkWireError) in try TrunkDataFrame(parsing: b) }
    }

    /// Header plus payload length.
    public var marshalSize: Int { TrunkDataHeader.size + payload.count }

    /// Writes header and payload into `buffer`.
    @discardableResult
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(TrunkWireError) -> Int {
        try buffer.require(marshalSize)
        try header.write(into: buffer)
        buffer.putBytes(payload, TrunkDataHeader.size)
        return marshalSize
    }

    /// The plaintext bytes.
    public func marshal() -> [UInt8] {
        (try? makeBytes(size: marshalSize) { (b) throws(TrunkWireError) in try write(into: b) }) ?? []
    }
}
