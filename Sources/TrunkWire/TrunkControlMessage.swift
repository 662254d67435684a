/// One control message inside a sealed control frame (docs/trunk-protocol.md §6).
/// A control frame's plaintext is one or more messages back to back, each a
/// 4-byte type-length header and its body:
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |     type      |  flags (zero) |        body length N          |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                        body (N bytes) ...                     |
///
/// Types: 0x01 subscribe, 0x02 unsubscribe, 0x03 NACK, 0x04 PLI, 0x05 ping,
/// 0x06 pong. Receivers skip (and keep as `.unknown`) other types, so new
/// messages can be added without a version change.
public enum TrunkControlMessage: Sendable, Hashable {
    /// Asks the peer to send a track over this trunk.
    case subscribe(TrunkSubscribe)
    /// Stops a track (by the id its subscribe chose).
    case unsubscribe(trackID: UInt32)
    /// Asks the peer to retransmit RTP packets of one layer of a track.
    case nack(TrunkNACK)
    /// Asks for a keyframe of one layer of a track.
    case pictureLossIndication(trackID: UInt32, layer: UInt8)
    /// Liveness and delay probe; answered with `.pong`.
    case ping(TrunkPing)
    /// Answer to a ping.
    case pong(TrunkPong)
    /// A message of a type this version does not know (type >= 0x07), kept as is.
    case unknown(type: UInt8, body: [UInt8])

    /// Header length of each message.
    public static let headerSize = 4

    /// The type byte.
    public var type: UInt8 {
        switch self {
        case .subscribe: 0x01
        case .unsubscribe: 0x02
        case .nack: 0x03
        case .pictureLossIndication: 0x04
        case .ping: 0x05
        case .pong: 0x06
        case .unknown(let type, _): type
        }
    }

    /// Length of the body in bytes.
    public var bodySize: Int {
        switch self {
        case .subscribe(let s): TrunkSubscribe.fixedSize + s.nameBytes.count
        case .unsubscribe: 4
        case .nack(let n): TrunkNACK.fixedSize + 4 * n.entries.count
        case .pictureLossIndication: 8
        case .ping: TrunkPing.size
        case .pong: TrunkPong.size
        case .unknown(_, let body): body.count
        }
    }

    /// Header plus body length.
    public var marshalSize: Int { Self.headerSize + bodySize }

    /// Parses one message at the start of `buffer`; returns it and the bytes it used.
    public static func parse(_ buffer: UnsafeRawBufferPointer) throws(TrunkWireError) -> (TrunkControlMessage, Int) {
        try buffer.require(headerSize, .controlMessage)
        let type = buffer.u8(0)
        guard buffer.u8(1) == 0 else { throw .invalidValue(.controlMessage, value: Int(buffer.u8(1))) }
        let length = Int(buffer.be16(2))
        try buffer.require(headerSize + length, .controlMessage)
        let body = UnsafeRawBufferPointer(rebasing: buffer[headerSize..<(headerSize + length)])
        let message: TrunkControlMessage
        switch type {
        case 0x01: message = .subscribe(try TrunkSubscribe(parsing: body))
        case 0x02:
            try exact(body, 4, .unsubscribe)
            message = .unsubscribe(trackID: body.be32(0))
        case 0x03: message = .nack(try TrunkNACK(parsing: body))
        case 0x04:
            try exact(body, 8, .pictureLossIndication)
            let reserved = UInt32(body.u8(5)) << 16 | UInt32(body.be16(6))
            guard reserved == 0 else { throw .invalidValue(.pictureLossIndication, value: Int(reserved)) }
            message = .pictureLossIndication(trackID: body.be32(0), layer: body.u8(4))
        case 0x05:
            try exact(body, TrunkPing.size, .ping)
            message = .ping(TrunkPing(sequence: body.be32(0), sentAt: body.be64(4)))
        case 0x06:
            try exact(body, TrunkPong.size, .pong)
            message = .pong(TrunkPong(sequence: body.be32(0), pingSentAt: body.be64(4), pongSentAt: body.be64(12)))
        case 0x00:
            throw .invalidValue(.controlMessage, value: 0)
        default:
            message = .unknown(type: type, body: Array(body))
        }
        return (message, headerSize + length)
    }

    /// Writes the message at the start of `buffer`.
    /// - Throws: `.bufferTooSmall`, or `.invalidLength` / `.invalidValue` for a
    ///   body that does not fit its format (name too long, no NACK entries, an
    ///   `.unknown` using a defined type number).
    @discardableResult
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(TrunkWireError) -> Int {
        let size = marshalSize
        guard bodySize <= Int(UInt16.max) else {
            throw .invalidLength(.controlMessage, length: bodySize, allowed: 0...Int(UInt16.max))
        }
        try buffer.require(size)
        buffer.put8(type, 0)
        buffer.put8(0, 1)
        buffer.put16(UInt16(truncatingIfNeeded: bodySize), 2)
        let body = UnsafeMutableRawBufferPointer(rebasing: buffer[Self.headerSize..<size])
        switch self {
        case .subscribe(let s): try s.write(into: body)
        case .unsubscribe(let trackID): body.put32(trackID, 0)
        case .nack(let n): try n.write(into: body)
        case .pictureLossIndication(let trackID, let layer):
            body.put32(trackID, 0)
            body.put8(layer, 4)
            body.put8(0, 5)
            body.put16(0, 6)
        case .ping(let p):
            body.put32(p.sequence, 0)
            body.put64(p.sentAt, 4)
        case .pong(let p):
            body.put32(p.sequence, 0)
            body.put64(p.pingSentAt, 4)
            body.put64(p.pongSentAt, 12)
        case .unknown(let type, let bytes):
            guard type > 0x06 else { throw .invalidValue(.controlMessage, value: Int(type)) }
            body.putBytes(bytes, 0)
        }
        return size
    }

    /// Parses a control frame plaintext: one or more messages filling it exactly.
    public static func parseList(_ buffer: UnsafeRawBufferPointer) throws(TrunkWireError) -> [TrunkControlMessage] {
        guard buffer.count > 0 else { throw .truncated(.controlMessage, needed: headerSize, available: 0) }
        var messages: [TrunkControlMessage] = []
        var offset = 0
        while offset < buffer.count {
            let (message, used) = try parse(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
            messages.append(message)
            offset += used
        }
        return messages
    }

    /// Parses a control frame plaintext.
    public static func parseList(_ bytes: [UInt8]) throws(TrunkWireError) -> [TrunkControlMessage] {
        try withBytes(bytes) { (b) throws(TrunkWireError) in try parseList(b) }
    }

    /// Bytes `messages` take back to back.
    public static func marshalSize(_ messages: [TrunkControlMessage]) -> Int {
        messages.reduce(0) { $0 + $1.marshalSize }
    }

    /// Writes `messages` back to back into `buffer`.
    @discardableResult
    public static func write(_ messages: [TrunkControlMessage], into buffer: UnsafeMutableRawBufferPointer)
        throws(TrunkWireError) -> Int
    {
        guard !messages.isEmpty else { throw .invalidLength(.controlMessage, length: 0, allowed: 1...Int.max) }
        try buffer.require(marshalSize(messages))
        var offset = 0
        for message in messages {
            offset += try message.write(into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
        }
        return offset
    }

    /// The control frame plaintext for `messages`.
    public static func marshal(_ messages: [TrunkControlMessage]) throws(TrunkWireError) -> [UInt8] {
        try makeBytes(size: marshalSize(messages)) { (b) throws(TrunkWireError) in try write(messages, into: b) }
    }

    private static func exact(_ body: UnsafeRawBufferPointer, _ size: Int, _ s: TrunkWireError.Structure)
        throws(TrunkWireError)
    {
        try body.require(size, s)
        guard body.count == size else { throw .trailingBytes(s, count: body.count - size) }
    }
}
