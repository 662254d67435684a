/// A node credential: the mesh operator's signed statement that a node id in a
/// region owns a static X25519 key until a time (docs/trunk-protocol.md §2).
///
/// This type is the binary encoding only; signing and verification live in the
/// `Trunk` module (`MeshCredential.issue`, `verify(meshKey:now:)`).
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  version = 1  | node id len n |   node id (n bytes) ...       |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     | region len r  |   region id (r bytes) ...                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |            node static X25519 public key (32 bytes)           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |            issued at (64, seconds since the Unix epoch)       |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |            not after (64, seconds since the Unix epoch)       |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |            mesh key id (64)                                   |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |            Ed25519 signature (64 bytes)                       |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// The signature covers `signatureContext` followed by every byte before it.
public struct MeshCredential: Sendable, Hashable {
    /// The encoding version this code writes and reads.
    public static let currentVersion: UInt8 = 1
    /// Domain-separation prefix of the signed message (ASCII, no terminator).
    public static let signatureContext: [UInt8] = Array("EdgeMesh node credential v1".utf8)
    /// Static key length.
    public static let staticKeySize = 32
    /// Signature length.
    public static let signatureSize = 64
    /// Smallest possible encoding (one-byte ids).
    public static let minimumSize = 1 + 2 + 2 + 32 + 24 + 64
    /// Largest possible encoding (64-byte ids).
    public static let maximumSize = 1 + 65 + 65 + 32 + 24 + 64

    /// The node.
    public var nodeID: MeshNodeID
    /// The node's region.
    public var regionID: MeshRegionID
    /// The node's static X25519 public key (32 bytes).
    public var staticPublicKey: [UInt8]
    /// Start of validity, seconds since the Unix epoch.
    public var issuedAt: UInt64
    /// End of validity (exclusive), seconds since the Unix epoch.
    public var notAfter: UInt64
    /// Which mesh signing key signed it.
    public var meshKeyID: MeshKeyID
    /// Ed25519 signature by the mesh signing key (64 bytes; zeros before signing).
    public var signature: [UInt8]

    public init(
        nodeID: MeshNodeID, regionID: MeshRegionID, staticPublicKey: [UInt8], issuedAt: UInt64, notAfter: UInt64,
        meshKeyID: MeshKeyID, signature: [UInt8] = [UInt8](repeating: 0, count: 64)
    ) {
        self.nodeID = nodeID
        self.regionID = regionID
        self.staticPublicKey = staticPublicKey
        self.issuedAt = issuedAt
        self.notAfter = notAfter
        self.meshKeyID = meshKeyID
        self.signature = signature
    }

    /// Parses exactly one encoded credential.
    public init(parsing buffer: UnsafeRawBufferPointer) throws(TrunkWireError) {
        try buffer.require(2, .credential)
        guard buffer.u8(0) == Self.currentVersion else { throw .unsupportedVersion(buffer.u8(0)) }
        let n = Int(buffer.u8(1))
        try buffer.require(2 + n + 1, .credential)
        nodeID = try MeshNodeID(bytes: buffer.bytes(2, n))
        let r = Int(buffer.u8(2 + n))
        let keyOffset = 3 + n + r
        let total = keyOffset + 32 + 24 + Self.signatureSize
        try buffer.require(keyOffset, .credential)
        regionID = try MeshRegionID(bytes: buffer.bytes(3 + n, r))
        try buffer.require(total, .credential)
        guard buffer.count == total else { throw .trailingBytes(.credential, count: buffer.count - total) }
        staticPublicKey = buffer.bytes(keyOffset, 32)
        issuedAt = buffer.be64(keyOffset + 32)
        notAfter = buffer.be64(keyOffset + 40)
        meshKeyID = MeshKeyID(rawValue: buffer.be64(keyOffset + 48))
        signature = buffer.bytes(keyOffset + 56, Self.signatureSize)
    }

    /// Parses exactly one encoded credential.
    public init(parsing bytes: [UInt8]) throws(TrunkWireError) {
        self = try withBytes(bytes) { (b) throws(TrunkWireError) in try MeshCredential(parsing: b) }
    }

    private var idBytes: (node: [UInt8], region: [UInt8]) { (Array(nodeID.rawValue.utf8), Array(regionID.rawValue.utf8)) }

    /// Length of the encoding before the signature.
    public var unsignedSize: Int { 3 + idBytes.node.count + idBytes.region.count + 32 + 24 }

    /// Length of the whole encoding.
    public var marshalSize: Int { unsignedSize + Self.signatureSize }

    /// The message the mesh key signs: `signatureContext` followed by the
    /// encoding up to (not including) the signature.
    public func signedMessage() throws(TrunkWireError) -> [UInt8] {
        let bytes = try marshal()
        return Self.signatureContext + bytes.prefix(unsignedSize)
    }

    /// Writes the encoding into `buffer`.
    /// - Throws: `.invalidLength` for a key or signature of the wrong size.
    @discardableResult
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(TrunkWireError) -> Int {
        guard staticPublicKey.count == Self.staticKeySize else {
            throw .invalidLength(.staticKey, length: staticPublicKey.count, allowed: 32...32)
        }
        guard signature.count == Self.signatureSize else {
            throw .invalidLength(.signature, length: signature.count, allowed: 64...64)
        }
        let (node, region) = idBytes
        try buffer.require(marshalSize)
        buffer.put8(Self.currentVersion, 0)
        buffer.put8(UInt8(truncatingIfNeeded: node.count), 1)
        buffer.putBytes(node, 2)
        buffer.put8(UInt8(truncatingIfNeeded: region.count), 2 + node.count)
        buffer.putBytes(region, 3 + node.count)
        let keyOffset = 3 + node.count + region.count
        buffer.putBytes(staticPublicKey, keyOffset)
        buffer.put64(issuedAt, keyOffset + 32)
        buffer.put64(notAfter, keyOffset + 40)
        buffer.put64(meshKeyID.rawValue, keyOffset + 48)
        buffer.putBytes(signature, keyOffset + 56)
        return marshalSize
    }

    /// The encoded credential.
    public func marshal() throws(TrunkWireError) -> [UInt8] {
        try makeBytes(size: marshalSize) { (b) throws(TrunkWireError) in try write(into: b) }
    }
}
