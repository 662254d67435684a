/// The first handshake message, sent in the clear (docs/trunk-protocol.md §4.1).
/// Header type 0x01; the header's key id proposes the new session's id and its
/// counter carries the initiator's timestamp (µs, strictly increasing per
/// initiator), which lets the responder reject replayed inits.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |              frame header (24 bytes, type 0x01)               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  24 |                  responder node tag (64)                      |
///     |                                                               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  32 | offered ciphers |  reserved=0   |     credential length L     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  36 |          initiator ephemeral X25519 public key (32)           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  68 |          initiator credential (L bytes, §2)                   |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// 68+L|          init MAC (16): AEAD tag over bytes 0..<68+L          |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct TrunkHandshakeInit: Sendable, Hashable {
    /// Bytes before the credential (header included).
    public static let fixedPrefixSize = 68
    /// Length of the trailing MAC.
    public static let macSize = 16
    /// Length of an X25519 public key.
    public static let ephemeralKeySize = 32

    /// The header (type `.handshakeInit`).
    public var header: TrunkFrameHeader
    /// The node this init is for.
    public var responder: TrunkNodeTag
    /// Ciphers the initiator can use for the session (at least one known bit).
    public var offeredCiphers: TrunkCipherSet
    /// The initiator's fresh ephemeral public key.
    public var ephemeralPublicKey: [UInt8]
    /// The initiator's credential in its binary form (§2).
    public var credential: [UInt8]
    /// The MAC proving possession of the initiator's static key.
    public var mac: [UInt8]

    public init(
        header: TrunkFrameHeader, responder: TrunkNodeTag, offeredCiphers: TrunkCipherSet,
        ephemeralPublicKey: [UInt8], credential: [UInt8], mac: [UInt8]
    ) {
        self.header = header
        self.responder = responder
        self.offeredCiphers = offeredCiphers
        self.ephemeralPublicKey = ephemeralPublicKey
        self.credential = credential
        self.mac = mac
    }

    /// Parses a whole init datagram.
    public init(parsing buffer: UnsafeRawBufferPointer) throws(TrunkWireError) {
        header = try TrunkFrameHeader(parsing: buffer)
        guard header.type == .handshakeInit else { throw .invalidValue(.handshakeInit, value: Int(header.type.rawValue)) }
        try buffer.require(Self.fixedPrefixSize + Self.macSize, .handshakeInit)
        responder = TrunkNodeTag(rawValue: buffer.be64(24))
        offeredCiphers = try TrunkCipherSet(validatingOffer: buffer.u8(32))
        guard buffer.u8(33) == 0 else { throw .invalidValue(.handshakeInit, value: Int(buffer.u8(33))) }
        let length = Int(buffer.be16(34))
        let total = Self.fixedPrefixSize + length + Self.macSize
        try buffer.require(total, .handshakeInit)
        guard buffer.count == total else { throw .trailingBytes(.handshakeInit, count: buffer.count - total) }
        ephemeralPublicKey = buffer.bytes(36, Self.ephemeralKeySize)
        credential = buffer.bytes(Self.fixedPrefixSize, length)
        mac = buffer.bytes(Self.fixedPrefixSize + length, Self.macSize)
    }

    /// Parses a whole init datagram.
    public init(parsing bytes: [UInt8]) throws(TrunkWireError) {
        self = try withBytes(bytes) { (b) throws(TrunkWireError) in try TrunkHandshakeInit(parsing: b) }
    }

    /// Bytes covered by the MAC: everything before it.
    public var authenticatedSize: Int { Self.fixedPrefixSize + credential.count }

    /// The datagram's length.
    public var marshalSize: Int { authenticatedSize + Self.macSize }

    /// Writes the datagram into `buffer`.
    /// - Throws: `.invalidLength` for a wrong key, MAC or credential size.
    @discardableResult
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(TrunkWireError) -> Int {
        guard ephemeralPublicKey.count == Self.ephemeralKeySize else {
            throw .invalidLength(.staticKey, length: ephemeralPublicKey.count, allowed: 32...32)
        }
        guard mac.count == Self.macSize else { throw .invalidLength(.handshakeInit, length: mac.count, allowed: 16...16) }
        guard credential.count <= Int(UInt16.max) else {
            throw .invalidLength(.credential, length: credential.count, allowed: 0...Int(UInt16.max))
        }
        try buffer.require(marshalSize)
        try header.write(into: buffer)
        buffer.put64(responder.rawValue, 24)
        buffer.put8(offeredCiphers.rawValue, 32)
        buffer.put8(0, 33)
        buffer.put16(UInt16(truncatingIfNeeded: credential.count), 34)
        buffer.putBytes(ephemeralPublicKey, 36)
        buffer.putBytes(credential, Self.fixedPrefixSize)
        buffer.putBytes(mac, authenticatedSize)
        return marshalSize
    }

    /// The datagram bytes.
    public func marshal() throws(TrunkWireError) -> [UInt8] {
        try makeBytes(size: marshalSize) { (b) throws(TrunkWireError) in try write(into: b) }
    }
}

extension TrunkCipherSet {
    /// An offer: at least one known bit, no unknown bits.
    init(validatingOffer raw: UInt8) throws(TrunkWireError) {
        let set = TrunkCipherSet(rawValue: raw)
        guard !set.isEmpty, TrunkCipherSet.known.isSuperset(of: set) else {
            throw .invalidValue(.cipherSet, value: Int(raw))
        }
        self = set
    }

    /// A choice: exactly one known bit.
    init(validatingChoice raw: UInt8) throws(TrunkWireError) {
        guard raw == TrunkCipherSet.aes256gcm.rawValue || raw == TrunkCipherSet.xchacha20poly1305.rawValue else {
            throw .invalidValue(.cipherSet, value: Int(raw))
        }
        self = TrunkCipherSet(rawValue: raw)
    }
}
