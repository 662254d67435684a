/// The second handshake message, sent in the clear (docs/trunk-protocol.md §4.2).
/// Header type 0x02; key id and counter echo the init's.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |              frame header (24 bytes, type 0x02)               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  24 |                  initiator node tag (64)                      |
///     |                                                               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  32 | chosen cipher |                reserved = 0                   |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  36 |          responder ephemeral X25519 public key (32)           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  68 |  confirmation tag (16): AEAD tag over bytes 0..<68, sealed     |
///     |  with the new responder->initiator key at counter 0           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct TrunkHandshakeResponse: Sendable, Hashable {
    /// The datagram's fixed length.
    public static let size = 84
    /// Bytes covered by the confirmation tag.
    public static let authenticatedSize = 68

    /// The header (type `.handshakeResponse`).
    public var header: TrunkFrameHeader
    /// The node whose init this answers.
    public var initiator: TrunkNodeTag
    /// The cipher the session uses (exactly one bit, one the init offered).
    public var chosenCipher: TrunkCipherSet
    /// The responder's fresh ephemeral public key.
    public var ephemeralPublicKey: [UInt8]
    /// The AEAD tag confirming the responder derived the session keys.
    public var confirmation: [UInt8]

    public init(
        header: TrunkFrameHeader, initiator: TrunkNodeTag, chosenCipher: TrunkCipherSet,
        ephemeralPublicKey: [UInt8], confirmation: [UInt8]
    ) {
        self.header = header
        self.initiator = initiator
        self.chosenCipher = chosenCipher
        self.ephemeralPublicKey = ephemeralPublicKey
        self.confirmation = confirmation
    }

    /// Parses a whole response datagram.
    public init(parsing buffer: UnsafeRawBufferPointer) throws(TrunkWireError) {
        header = try TrunkFrameHeader(parsing: buffer)
        guard header.type == .handshakeResponse else { throw .invalidValue(.handshakeResponse, value: Int(header.type.rawValue)) }
        try buffer.require(Self.size, .handshakeResponse)
        guard buffer.count == Self.size else { throw .trailingBytes(.handshakeResponse, count: buffer.count - Self.size) }
        initiator = TrunkNodeTag(rawValue: buffer.be64(24))
        chosenCipher = try TrunkCipherSet(validatingChoice: buffer.u8(32))
        let reserved = UInt32(buffer.u8(33)) << 16 | UInt32(buffer.be16(34))
        guard reserved == 0 else { throw .invalidValue(.handshakeResponse, value: Int(reserved)) }
        ephemeralPublicKey = buffer.bytes(36, 32)
        confirmation = buffer.bytes(Self.authenticatedSize, 16)
    }

    /// Parses a whole response datagram.
    public init(parsing bytes: [UInt8]) throws(TrunkWireError) {
        self = try withBytes(bytes) { (b) throws(TrunkWireError) in try TrunkHandshakeResponse(parsing: b) }
    }

    /// Always `size`.
    public var marshalSize: Int { Self.size }

    /// Writes the datagram into `buffer`.
    /// - Throws: `.invalidLength` for a wrong key or tag size, `.invalidValue` for a cipher that is not one bit.
    @discardableResult
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(TrunkWireError) -> Int {
        guard ephemeralPublicKey.count == 32 else {
            throw .invalidLength(.staticKey, length: ephemeralPublicKey.count, allowed: 32...32)
        }
        guard confirmation.count == 16 else {
            throw .invalidLength(.handshakeResponse, length: confirmation.count, allowed: 16...16)
        }
        _ = try TrunkCipherSet(validatingChoice: chosenCipher.rawValue)
        try buffer.require(Self.size)
        try header.write(into: buffer)
        buffer.put64(initiator.rawValue, 24)
        buffer.put8(chosenCipher.rawValue, 32)
        buffer.put8(0, 33)
        buffer.put16(0, 34)
        buffer.putBytes(ephemeralPublicKey, 36)
        buffer.putBytes(confirmation, Self.authenticatedSize)
        return Self.size
    }

    /// The datagram bytes.
    public func marshal() throws(TrunkWireError) -> [UInt8] {
        try makeBytes(size: Self.size) { (b) throws(TrunkWireError) in try write(into: b) }
    }
}
