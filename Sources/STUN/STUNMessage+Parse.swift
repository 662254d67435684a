// Parsing STUN messages (RFC 8489 §5, §14).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |0 0|     STUN Message Type     |         Message Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                         Magic Cookie                          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                                                               |
// |                     Transaction ID (96 bits)                  |
// |                                                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Each attribute (RFC 8489 §14), value padded to a multiple of 4 bytes:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Type                  |            Length             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                         Value (variable)                ....
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// One attribute's position inside a validated message.
struct RawAttribute {
    /// The attribute type.
    var type: STUNAttributeType
    /// Offset of the attribute header from the start of the message.
    var offset: Int
    /// Range of the value (without padding) within the message.
    var value: Range<Int>
}

/// The validated header of a STUN message.
struct STUNHeader {
    var type: STUNMessageType
    var transactionID: STUNTransactionID

    private static let classAndMethodMask: UInt8 = 0xC0

    /// Validates the header and that the Message Length matches `bytes` exactly (RFC 8489 §5).
    init(validating bytes: UnsafeRawBufferPointer) throws(STUNError) {
        guard bytes.count >= STUNMessage.headerSize else { throw .truncatedHeader(available: bytes.count) }
        guard bytes[0] & Self.classAndMethodMask == 0 else { throw .notSTUN(firstByte: bytes[0]) }
        let cookie = bytes.readUInt32(at: 4)
        guard cookie == STUNMessage.magicCookie else { throw .badMagicCookie(cookie) }
        let length = Int(bytes.readUInt16(at: 2))
        guard length % 4 == 0 else { throw .unalignedLength(declared: length) }
        let available = bytes.count - STUNMessage.headerSize
        guard length == available else { throw .lengthMismatch(declared: length, available: available) }
        type = STUNMessageType(rawValue: bytes.readUInt16(at: 0))
        transactionID = STUNTransactionID(unchecked: Array(bytes.slice(8..<20)))
    }

    /// Walks the attributes of a message whose header validated, calling `body` for each
    /// until it returns false. Throws when an attribute overruns the message.
    static func forEachAttribute(
        in bytes: UnsafeRawBufferPointer,
        _ body: (RawAttribute) throws(STUNError) -> Bool
    ) throws(STUNError) {
        var offset = STUNMessage.headerSize
        while offset < bytes.count {
            let remaining = bytes.count - offset
            guard remaining >= 4 else {
                throw .attributeOverrun(type: 0, offset: offset, declaredLength: 4, available: remaining)
            }
            let type = bytes.readUInt16(at: offset)
            let length = Int(bytes.readUInt16(at: offset + 2))
            let valueStart = offset + 4
            let available = bytes.count - valueStart
            guard length <= available else {
                throw .attributeOverrun(type: type, offset: offset, declaredLength: length, available: available)
            }
            let padded = paddedLength(length)
            guard padded <= available else {
                throw .attributePaddingOverrun(type: type, offset: offset, paddedLength: padded, available: available)
            }
            let attribute = RawAttribute(
                type: STUNAttributeType(rawValue: type), offset: offset, value: valueStart..<(valueStart + length))
            guard try body(attribute) else { return }
            offset = valueStart + padded
        }
    }
}

extension STUNMessage {
    /// Parses one STUN message occupying all of `bytes` (one UDP datagram).
    ///
    /// Follows RFC 8489 §5 and §14: attributes after MESSAGE-INTEGRITY other than
    /// FINGERPRINT are ignored; any attribute after FINGERPRINT is an error; unknown
    /// attributes are kept as `.other`. Integrity and fingerprint are not checked here.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(STUNError) {
        let header = try STUNHeader(validating: bytes)
        var attributes: [STUNAttribute] = []
        var sawIntegrity = false
        var sawFingerprint = false
        try STUNHeader.forEachAttribute(in: bytes) { (raw) throws(STUNError) -> Bool in
            if sawFingerprint { throw .attributeAfterFingerprint(type: raw.type.rawValue) }
            if raw.type == .fingerprint {
                sawFingerprint = true
            } else if sawIntegrity {
                return true  // RFC 8489 §14.5: ignore everything after MESSAGE-INTEGRITY but FINGERPRINT
            } else if raw.type == .messageIntegrity {
                sawIntegrity = true
            }
            let value = bytes.slice(raw.value)
            attributes.append(try STUNAttribute(type: raw.type, value: value, transactionID: header.transactionID))
            return true
        }
        self.init(type: header.type, transactionID: header.transactionID, attributes: attributes)
    }

    /// Parses one STUN message occupying all of `bytes`.
    public init(parsing bytes: [UInt8]) throws(STUNError) {
        self = try bytes.withUnsafeBytes { raw in
            Result { () throws(STUNError) in try STUNMessage(parsing: raw) }
        }.get()
    }
}
