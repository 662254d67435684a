/// A STUN message (RFC 8489 §5): a message type, a transaction ID and attributes in order.
///
/// Parse with ``init(parsing:)-(UnsafeRawBufferPointer)``, write with
/// ``write(into:integrity:fingerprint:paddingByte:)``. MESSAGE-INTEGRITY and
/// FINGERPRINT are checked against the original bytes with
/// ``verifyMessageIntegrity(_:key:)-(UnsafeRawBufferPointer,_)`` and
/// ``verifyFingerprint(_:)-(UnsafeRawBufferPointer)``, because both cover the bytes
/// as received (padding included).
public struct STUNMessage: Hashable, Sendable {
    /// The magic cookie, 0x2112A442 (RFC 8489 §5).
    public static let magicCookie: UInt32 = 0x2112_A442
    /// Bytes in the STUN header.
    public static let headerSize = 20
    /// The value XORed into the CRC-32 of FINGERPRINT (RFC 8489 §14.7).
    public static let fingerprintXOR: UInt32 = 0x5354_554E

    /// Method and class.
    public var type: STUNMessageType
    /// The 96-bit transaction ID.
    public var transactionID: STUNTransactionID
    /// The attributes in wire order. When parsed, attributes after MESSAGE-INTEGRITY
    /// other than FINGERPRINT are left out, as RFC 8489 §14.5 says to ignore them.
    public var attributes: [STUNAttribute]

    /// A message from its parts.
    public init(type: STUNMessageType, transactionID: STUNTransactionID, attributes: [STUNAttribute] = []) {
        self.type = type
        self.transactionID = transactionID
        self.attributes = attributes
    }

    // MARK: First-match accessors (RFC 8489 §14: only the first occurrence counts)

    /// The first USERNAME.
    public var username: String? {
        for case .username(let value) in attributes { return value }
        return nil
    }

    /// The first XOR-MAPPED-ADDRESS.
    public var xorMappedAddress: STUNAddress? {
        for case .xorMappedAddress(let value) in attributes { return value }
        return nil
    }

    /// The first MAPPED-ADDRESS.
    public var mappedAddress: STUNAddress? {
        for case .mappedAddress(let value) in attributes { return value }
        return nil
    }

    /// The first ERROR-CODE.
    public var errorCode: STUNErrorCode? {
        for case .errorCode(let value) in attributes { return value }
        return nil
    }

    /// The first SOFTWARE.
    public var software: String? {
        for case .software(let value) in attributes { return value }
        return nil
    }

    /// The first PRIORITY.
    public var priority: UInt32? {
        for case .priority(let value) in attributes { return value }
        return nil
    }

    /// Whether USE-CANDIDATE is present.
    public var useCandidate: Bool {
        attributes.contains(.useCandidate)
    }

    /// The tiebreaker of the first ICE-CONTROLLING.
    public var iceControlling: UInt64? {
        for case .iceControlling(let value) in attributes { return value }
        return nil
    }

    /// The tiebreaker of the first ICE-CONTROLLED.
    public var iceControlled: UInt64? {
        for case .iceControlled(let value) in attributes { return value }
        return nil
    }

    /// The first MESSAGE-INTEGRITY value.
    public var messageIntegrity: [UInt8]? {
        for case .messageIntegrity(let value) in attributes { return value }
        return nil
    }

    /// The FINGERPRINT value.
    public var fingerprint: UInt32? {
        for case .fingerprint(let value) in attributes { return value }
        return nil
    }

    /// The types of comprehension-required attributes this module does not understand,
    /// in order, without duplicates: what a server lists in a 420 response (RFC 8489 §6.3.1).
    public var unknownComprehensionRequiredTypes: [STUNAttributeType] {
        var types: [STUNAttributeType] = []
        for case .other(let type, _) in attributes where type.isComprehensionRequired && !types.contains(type) {
            types.append(type)
        }
        return types
    }
}

extension STUNMessage: CustomStringConvertible {
    public var description: String {
        "STUN \(type) \(transactionID) [" + attributes.map { "\($0.type)" }.joined(separator: ", ") + "]"
    }
}
