/// Subscribe body (docs/trunk-protocol.md §6.1): the subscribing (downstream)
/// node picks a trunk-local track id that the upstream node then puts in every
/// data frame of that track. A repeated subscribe for the same id replaces the
/// layer mask.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                     track id (trunk-local)                    |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  layer mask   | name length n |  track name (n bytes, UTF-8)  |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct TrunkSubscribe: Sendable, Hashable {
    /// Bytes before the name.
    public static let fixedSize = 6

    /// The id data frames of this track will carry on this trunk.
    public var trackID: UInt32
    /// Layers wanted: bit i set means layer i.
    public var layers: UInt8
    /// The mesh-wide track name (e.g. room and producer id), 1 to 255 UTF-8 bytes.
    public var name: String

    public init(trackID: UInt32, layers: UInt8, name: String) {
        self.trackID = trackID
        self.layers = layers
        self.name = name
    }

    var nameBytes: [UInt8] { Array(name.utf8) }

    init(parsing body: UnsafeRawBufferPointer) throws(TrunkWireError) {
        try body.require(Self.fixedSize, .subscribe)
        trackID = body.be32(0)
        layers = body.u8(4)
        let length = Int(body.u8(5))
        guard length > 0 else { throw .invalidLength(.trackName, length: 0, allowed: 1...255) }
        try body.require(Self.fixedSize + length, .subscribe)
        guard body.count == Self.fixedSize + length else {
            throw .trailingBytes(.subscribe, count: body.count - Self.fixedSize - length)
        }
        guard let name = String(validating: body.bytes(Self.fixedSize, length), as: UTF8.self) else {
            throw .invalidValue(.trackName, value: length)
        }
        self.name = name
    }

    func write(into body: UnsafeMutableRawBufferPointer) throws(TrunkWireError) {
        let bytes = nameBytes
        guard (1...255).contains(bytes.count) else { throw .invalidLength(.trackName, length: bytes.count, allowed: 1...255) }
        body.put32(trackID, 0)
        body.put8(layers, 4)
        body.put8(UInt8(truncatingIfNeeded: bytes.count), 5)
        body.putBytes(bytes, Self.fixedSize)
    }
}

/// One NACK entry, as in RFC 4585 §6.2.1: PID is a lost RTP sequence number and
/// bit i of BLP (LSB = bit 0) marks PID+i+1 lost.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |            PID                |             BLP               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct TrunkNACKEntry: Sendable, Hashable {
    /// The first lost sequence number.
    public var packetID: UInt16
    /// Following lost packets.
    public var lostBitmask: UInt16

    public init(packetID: UInt16, lostBitmask: UInt16 = 0) {
        self.packetID = packetID
        self.lostBitmask = lostBitmask
    }

    /// The lost sequence numbers this entry names (1 to 17), in order.
    public var sequenceNumbers: [UInt16] {
        var out = [packetID]
        for bit in 0..<16 where lostBitmask & (1 << bit) != 0 { out.append(packetID &+ UInt16(bit + 1)) }
        return out
    }
}

/// NACK body (docs/trunk-protocol.md §6.3): a track, a layer and RFC 4585 entries.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                     track id (trunk-local)                    |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |     layer     |                reserved = 0                   |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |            PID                |             BLP               |  (1 or more)
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct TrunkNACK: Sendable, Hashable {
    /// Bytes before the entries.
    public static let fixedSize = 8

    /// The track.
    public var trackID: UInt32
    /// The layer whose RTP stream lost packets.
    public var layer: UInt8
    /// At least one entry.
    public var entries: [TrunkNACKEntry]

    public init(trackID: UInt32, layer: UInt8, entries: [TrunkNACKEntry]) {
        self.trackID = trackID
        self.layer = layer
        self.entries = entries
    }

    /// Every sequence number the entries name, in order.
    public var lostSequenceNumbers: [UInt16] { entries.flatMap(\.sequenceNumbers) }

    init(parsing body: UnsafeRawBufferPointer) throws(TrunkWireError) {
        try body.require(Self.fixedSize + 4, .nack)
        let entryBytes = body.count - Self.fixedSize
        guard entryBytes % 4 == 0 else { throw .trailingBytes(.nack, count: entryBytes % 4) }
        trackID = body.be32(0)
        layer = body.u8(4)
        let reserved = UInt32(body.u8(5)) << 16 | UInt32(body.be16(6))
        guard reserved == 0 else { throw .invalidValue(.nack, value: Int(reserved)) }
        entries = stride(from: Self.fixedSize, to: body.count, by: 4).map { offset in
            TrunkNACKEntry(packetID: body.be16(offset), lostBitmask: body.be16(offset + 2))
        }
    }

    func write(into body: UnsafeMutableRawBufferPointer) throws(TrunkWireError) {
        guard !entries.isEmpty else { throw .invalidLength(.nack, length: 0, allowed: 1...16381) }
        body.put32(trackID, 0)
        body.put8(layer, 4)
        body.put8(0, 5)
        body.put16(0, 6)
        var offset = Self.fixedSize
        for entry in entries {
            body.put16(entry.packetID, offset)
            body.put16(entry.lostBitmask, offset + 2)
            offset += 4
        }
    }
}

/// Ping body (docs/trunk-protocol.md §6.5): a sequence number and the sender's
/// wall-clock send time.
///
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                          sequence                             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |            sent at (µs since the Unix epoch, sender)          |
///     |                                                               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct TrunkPing: Sendable, Hashable {
    /// Body length.
    public static let size = 12
    public var sequence: UInt32
    public var sentAt: UInt64

    public init(sequence: UInt32, sentAt: UInt64) {
        self.sequence = sequence
        self.sentAt = sentAt
    }
}

/// Pong body (docs/trunk-protocol.md §6.6): the ping's sequence number and
/// send time echoed, and the answerer's wall-clock time when it answered.
///
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                          sequence                             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                 ping sent at (echoed, µs)                     |
///     |                                                               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |            pong sent at (µs since the Unix epoch, answerer)   |
///     |                                                               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct TrunkPong: Sendable, Hashable {
    /// Body length.
    public static let size = 20
    public var sequence: UInt32
    public var pingSentAt: UInt64
    public var pongSentAt: UInt64

    public init(sequence: UInt32, pingSentAt: UInt64, pongSentAt: UInt64) {
        self.sequence = sequence
        self.pingSentAt = pingSentAt
        self.pongSentAt = pongSentAt
    }
}
