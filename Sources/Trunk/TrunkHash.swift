import CSodium
import TrunkWire

/// BLAKE2b-256 (RFC 7693, `crypto_generichash`) for identifiers: node tags and
/// mesh key ids. Not used for keys (see `TrunkKeySchedule`).
enum TrunkHash {
    static func blake2b256(_ message: [UInt8]) -> [UInt8] {
        TrunkCrypto.ensureInitialized()
        var out = [UInt8](repeating: 0, count: 32)
        message.withUnsafeBufferPointer { m in
            _ = crypto_generichash(&out, 32, m.baseAddress, UInt64(m.count), nil, 0)
        }
        return out
    }

    /// The first 8 bytes of BLAKE2b-256(`label` ‖ `message`), big-endian.
    static func truncated64(label: String, _ message: [UInt8]) -> UInt64 {
        blake2b256(Array(label.utf8) + message).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}

extension TrunkNodeTag {
    /// Hash label of node tags.
    public static let hashLabel = "EdgeMesh node tag v1"

    /// The tag of `nodeID`: the first 8 bytes of BLAKE2b-256("EdgeMesh node tag v1" ‖ node id).
    public init(nodeID: MeshNodeID) {
        self.init(rawValue: TrunkHash.truncated64(label: Self.hashLabel, Array(nodeID.rawValue.utf8)))
    }
}

extension MeshKeyID {
    /// Hash label of mesh key ids.
    public static let hashLabel = "EdgeMesh mesh key id v1"

    /// The id of a mesh verifying key: the first 8 bytes of
    /// BLAKE2b-256("EdgeMesh mesh key id v1" ‖ public key).
    public init(meshKey: TrunkVerifyingKey) {
        self.init(rawValue: TrunkHash.truncated64(label: Self.hashLabel, meshKey.rawRepresentation))
    }
}
