/// The 64-bit tag a trunk frame names its sender by (frame header bytes 8–15).
///
/// It is derived from the sender's node id by the `Trunk` module (a truncated
/// keyed hash, see docs/trunk-protocol.md §2), so it has a fixed size on the
/// wire; it only routes a datagram to the right peer state — authenticity comes
/// from the keys, never from the tag.
public struct TrunkNodeTag: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static func < (lhs: TrunkNodeTag, rhs: TrunkNodeTag) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Sixteen lower-case hex digits.
    public var description: String { hex16(rawValue) }
}

/// Identifies the mesh signing key that signed a credential: the first 8 bytes
/// of a hash of its public key (computed by the `Trunk` module). Lets a node
/// tell "signed by another mesh" apart from "bad signature".
public struct MeshKeyID: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Sixteen lower-case hex digits (the fingerprint `edgemesh mesh init` prints).
    public var description: String { hex16(rawValue) }
}

/// A node id: 1 to 64 characters from `[A-Za-z0-9._-]` (e.g. `eu-central-1`).
public struct MeshNodeID: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Longest node id in UTF-8 bytes.
    public static let maximumLength = 64
    public let rawValue: String

    /// Nil unless `rawValue` is a valid node id.
    public init?(rawValue: String) {
        guard Self.isValid(Array(rawValue.utf8)) else { return nil }
        self.rawValue = rawValue
    }

    /// A node id from wire bytes.
    init(bytes: [UInt8]) throws(TrunkWireError) {
        guard (1...Self.maximumLength).contains(bytes.count) else {
            throw .invalidLength(.nodeID, length: bytes.count, allowed: 1...Self.maximumLength)
        }
        guard Self.isValid(bytes) else { throw .invalidValue(.nodeID, value: Int(bytes.first { !isNodeIDByte($0) } ?? 0)) }
        rawValue = String(decoding: bytes, as: UTF8.self)
    }

    static func isValid(_ bytes: [UInt8]) -> Bool {
        (1...maximumLength).contains(bytes.count) && bytes.allSatisfy(isNodeIDByte)
    }

    public static func < (lhs: MeshNodeID, rhs: MeshNodeID) -> Bool {
        Array(lhs.rawValue.utf8).lexicographicallyPrecedes(Array(rhs.rawValue.utf8))
    }

    public var description: String { rawValue }
}

/// A region id as in `regions/<id>.yaml`: 1 to 64 characters from `[a-z0-9-]`.
public struct MeshRegionID: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// Longest region id in UTF-8 bytes.
    public static let maximumLength = 64
    public let rawValue: String

    /// Nil unless `rawValue` is a valid region id.
    public init?(rawValue: String) {
        guard Self.isValid(Array(rawValue.utf8)) else { return nil }
        self.rawValue = rawValue
    }

    /// A region id from wire bytes.
    init(bytes: [UInt8]) throws(TrunkWireError) {
        guard (1...Self.maximumLength).contains(bytes.count) else {
            throw .invalidLength(.regionID, length: bytes.count, allowed: 1...Self.maximumLength)
        }
        guard Self.isValid(bytes) else {
            throw .invalidValue(.regionID, value: Int(bytes.first { !isRegionIDByte($0) } ?? 0))
        }
        rawValue = String(decoding: bytes, as: UTF8.self)
    }

    static func isValid(_ bytes: [UInt8]) -> Bool {
        (1...maximumLength).contains(bytes.count) && bytes.allSatisfy(isRegionIDByte)
    }

    public var description: String { rawValue }
}

/// The AEAD algorithms a handshake offers (a set) or picks (exactly one), as
/// the one-byte bitmask of docs/trunk-protocol.md §4.
public struct TrunkCipherSet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// AES-256-GCM (bit 0).
    public static let aes256gcm = TrunkCipherSet(rawValue: 0x01)
    /// XChaCha20-Poly1305-IETF (bit 1).
    public static let xchacha20poly1305 = TrunkCipherSet(rawValue: 0x02)
    /// Every algorithm this version defines.
    public static let known: TrunkCipherSet = [.aes256gcm, .xchacha20poly1305]
}

@inline(__always) func isNodeIDByte(_ b: UInt8) -> Bool {
    isRegionIDByte(b) || (b >= 0x41 && b <= 0x5A) || b == 0x2E || b == 0x5F  // A-Z . _
}

@inline(__always) func isRegionIDByte(_ b: UInt8) -> Bool {
    (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D  // a-z 0-9 -
}

func hex16(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
}
