/// The kinds of trunk frame (header byte 1, docs/trunk-protocol.md §3).
public enum TrunkFrameType: UInt8, Sendable, Hashable, CaseIterable {
    /// First handshake message, cleartext, authenticated by a MAC from static keys.
    case handshakeInit = 0x01
    /// Second handshake message, cleartext, authenticated with the new session key.
    case handshakeResponse = 0x02
    /// A sealed media frame: data header + RTP or RTCP packet.
    case data = 0x10
    /// A sealed list of control messages.
    case control = 0x11

    /// Whether the payload after the header is AEAD-sealed.
    public var isSealed: Bool { self == .data || self == .control }
}

/// The versioned header every trunk datagram starts with
/// (docs/trunk-protocol.md §3). For sealed frames the 24 bytes are the AEAD's
/// associated data and the counter is the nonce.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |1 1 1| version |     type      |         flags (zero)          |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                            key id                             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                        sender node tag                        |
///     |                                                               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                            counter                            |
///     |                                                               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// The marker bits `111` put the first byte in 224–255, outside every range of
/// RFC 7983 §7 (STUN 0–3, ZRTP 16–19, DTLS 20–63, TURN 64–79, RTP/RTCP 128–191),
/// so a trunk frame can never be mistaken for WebRTC traffic on a shared port.
public struct TrunkFrameHeader: Sendable, Hashable {
    /// Header length in bytes.
    public static let size = 24
    /// The protocol version this code speaks.
    public static let currentVersion: UInt8 = 1
    static let markerMask: UInt8 = 0xE0
    static let versionMask: UInt8 = 0x1F

    /// The protocol version (low five bits of byte 0).
    public var version: UInt8
    /// The frame kind.
    public var type: TrunkFrameType
    /// The session (key epoch) this frame belongs to; for handshakes, the
    /// session being proposed.
    public var keyID: UInt32
    /// The sending node.
    public var sender: TrunkNodeTag
    /// Sealed frames: the per-direction frame counter (nonce and replay
    /// position). Handshake init: the initiator's timestamp (µs); response: its echo.
    public var counter: UInt64

    /// A header of the current version.
    public init(type: TrunkFrameType, keyID: UInt32, sender: TrunkNodeTag, counter: UInt64) {
        self.version = Self.currentVersion
        self.type = type
        self.keyID = keyID
        self.sender = sender
        self.counter = counter
    }

    /// Parses the first 24 bytes of `buffer` (more bytes may follow).
    public init(parsing buffer: UnsafeRawBufferPointer) throws(TrunkWireError) {
        try buffer.require(Self.size, .frameHeader)
        let first = buffer.u8(0)
        guard first & Self.markerMask == Self.markerMask else { throw .notATrunkFrame(firstByte: first) }
        version = first & Self.versionMask
        guard version == Self.currentVersion else { throw .unsupportedVersion(version) }
        guard let type = TrunkFrameType(rawValue: buffer.u8(1)) else { throw .unknownFrameType(buffer.u8(1)) }
        self.type = type
        let flags = buffer.be16(2)
        guard flags == 0 else { throw .invalidValue(.frameHeader, value: Int(flags)) }
        keyID = buffer.be32(4)
        sender = TrunkNodeTag(rawValue: buffer.be64(8))
        counter = buffer.be64(16)
    }

    /// Parses the header at the start of `bytes`.
    public init(parsing bytes: [UInt8]) throws(TrunkWireError) {
        self = try withBytes(bytes) { (b) throws(TrunkWireError) in try TrunkFrameHeader(parsing: b) }
    }

    /// Always `size`.
    public var marshalSize: Int { Self.size }

    /// Writes the 24 header bytes at the start of `buffer`.
    @discardableResult
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(TrunkWireError) -> Int {
        try buffer.require(Self.size)
        buffer.put8(Self.markerMask | (version & Self.versionMask), 0)
        buffer.put8(type.rawValue, 1)
        buffer.put16(0, 2)
        buffer.put32(keyID, 4)
        buffer.put64(sender.rawValue, 8)
        buffer.put64(counter, 16)
        return Self.size
    }

    /// The 24 header bytes.
    public func marshal() -> [UInt8] {
        (try? makeBytes(size: Self.size) { (b) throws(TrunkWireError) in try write(into: b) }) ?? []
    }
}
