// Attribute values (the TLV framing is in STUNMessage+Parse.swift; address values in
// AddressAttribute.swift; ERROR-CODE in STUNErrorCode.swift):
//
// USERNAME (RFC 8489 §14.3), SOFTWARE (§14.14): UTF-8 text, no terminator.
// UNKNOWN-ATTRIBUTES (§14.13):
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |      Attribute 1 Type         |       Attribute 2 Type        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |      Attribute 3 Type         |       Attribute 4 Type    ...
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// PRIORITY (RFC 8445 §16.1): 32-bit unsigned priority.
// USE-CANDIDATE (RFC 8445 §16.1): no value (length 0).
// ICE-CONTROLLED, ICE-CONTROLLING (RFC 8445 §16.1): 64-bit unsigned tiebreaker.
// MESSAGE-INTEGRITY (RFC 8489 §14.5): 20-byte HMAC-SHA1. FINGERPRINT (§14.7): 32 bits.

/// One STUN attribute, decoded into its typed form (RFC 8489 §14; ICE: RFC 8445 §16.1).
///
/// Attributes this module does not know are kept raw in `.other`, so a message
/// re-serialises with them intact.
public enum STUNAttribute: Hashable, Sendable {
    /// MAPPED-ADDRESS (§14.1).
    case mappedAddress(STUNAddress)
    /// XOR-MAPPED-ADDRESS (§14.2), stored un-XORed.
    case xorMappedAddress(STUNAddress)
    /// USERNAME (§14.3); for ICE, "receiverUfrag:senderUfrag".
    case username(String)
    /// MESSAGE-INTEGRITY (§14.5): the 20-byte HMAC-SHA1 as found on the wire.
    case messageIntegrity([UInt8])
    /// ERROR-CODE (§14.8).
    case errorCode(STUNErrorCode)
    /// UNKNOWN-ATTRIBUTES (§14.13): the types the responder did not understand.
    case unknownAttributes([STUNAttributeType])
    /// SOFTWARE (§14.14).
    case software(String)
    /// FINGERPRINT (§14.7): the CRC-32 XOR 0x5354554E as found on the wire.
    case fingerprint(UInt32)
    /// PRIORITY (RFC 8445 §7.1.1).
    case priority(UInt32)
    /// USE-CANDIDATE (RFC 8445 §7.1.2), no value.
    case useCandidate
    /// ICE-CONTROLLED with the sender's tiebreaker (RFC 8445 §7.1.3).
    case iceControlled(tieBreaker: UInt64)
    /// ICE-CONTROLLING with the sender's tiebreaker (RFC 8445 §7.1.3).
    case iceControlling(tieBreaker: UInt64)
    /// Any other attribute, value without padding.
    case other(type: STUNAttributeType, value: [UInt8])

    /// The attribute's type.
    public var type: STUNAttributeType {
        switch self {
        case .mappedAddress: .mappedAddress
        case .xorMappedAddress: .xorMappedAddress
        case .username: .username
        case .messageIntegrity: .messageIntegrity
        case .errorCode: .errorCode
        case .unknownAttributes: .unknownAttributes
        case .software: .software
        case .fingerprint: .fingerprint
        case .priority: .priority
        case .useCandidate: .useCandidate
        case .iceControlled: .iceControlled
        case .iceControlling: .iceControlling
        case .other(let type, _): type
        }
    }

    /// Decodes the value of an attribute of type `type`; `transactionID` un-XORs XOR-MAPPED-ADDRESS.
    init(type: STUNAttributeType, value: UnsafeRawBufferPointer, transactionID: STUNTransactionID) throws(STUNError) {
        func expectLength(_ expected: Int) throws(STUNError) {
            guard value.count == expected else {
                throw .invalidAttributeLength(type: type.rawValue, length: value.count, expected: expected)
            }
        }
        func text() throws(STUNError) -> String {
            guard let string = String(validating: value, as: UTF8.self) else {
                throw .invalidUTF8(type: type.rawValue, length: value.count)
            }
            return string
        }
        switch type {
        case .mappedAddress:
            self = .mappedAddress(try STUNAddress(parsing: value, type: type, xor: nil))
        case .xorMappedAddress:
            self = .xorMappedAddress(try STUNAddress(parsing: value, type: type, xor: transactionID))
        case .username:
            self = .username(try text())
        case .messageIntegrity:
            try expectLength(HMACSHA1.macSize)
            self = .messageIntegrity(Array(value))
        case .errorCode:
            self = .errorCode(try STUNErrorCode(parsing: value))
        case .unknownAttributes:
            guard value.count % 2 == 0 else { throw .invalidUnknownAttributes(length: value.count) }
            self = .unknownAttributes(stride(from: 0, to: value.count, by: 2).map {
                STUNAttributeType(rawValue: value.readUInt16(at: $0))
            })
        case .software:
            self = .software(try text())
        case .fingerprint:
            try expectLength(4)
            self = .fingerprint(value.readUInt32(at: 0))
        case .priority:
            try expectLength(4)
            self = .priority(value.readUInt32(at: 0))
        case .useCandidate:
            try expectLength(0)
            self = .useCandidate
        case .iceControlled:
            try expectLength(8)
            self = .iceControlled(tieBreaker: value.readUInt64(at: 0))
        case .iceControlling:
            try expectLength(8)
            self = .iceControlling(tieBreaker: value.readUInt64(at: 0))
        default:
            self = .other(type: type, value: Array(value))
        }
    }

    /// The length of the value without padding, or an error if it cannot be written.
    func valueLength() throws(STUNError) -> Int {
        let length: Int
        switch self {
        case .mappedAddress(let address), .xorMappedAddress(let address):
            length = address.family == .ipv4 ? 8 : 20
        case .username(let string), .software(let string):
            length = string.utf8.count
        case .messageIntegrity(let mac):
            length = mac.count
        case .errorCode(let error):
            length = try error.encodedLength()
        case .unknownAttributes(let types):
            length = types.count * 2
        case .fingerprint, .priority:
            length = 4
        case .useCandidate:
            length = 0
        case .iceControlled, .iceControlling:
            length = 8
        case .other(_, let value):
            length = value.count
        }
        guard length <= Int(UInt16.max) else {
            throw .attributeTooLarge(type: type.rawValue, length: length)
        }
        return length
    }

    /// Appends the value (no header, no padding); `valueLength()` has succeeded.
    func writeValue(into buffer: inout [UInt8], transactionID: STUNTransactionID) {
        switch self {
        case .mappedAddress(let address):
            address.write(into: &buffer, xor: nil)
        case .xorMappedAddress(let address):
            address.write(into: &buffer, xor: transactionID)
        case .username(let string), .software(let string):
            buffer.append(contentsOf: string.utf8)
        case .messageIntegrity(let bytes), .other(_, let bytes):
            buffer.append(contentsOf: bytes)
        case .errorCode(let error):
            error.write(into: &buffer)
        case .unknownAttributes(let types):
            for type in types { buffer.appendUInt16(type.rawValue) }
        case .fingerprint(let value), .priority(let value):
            buffer.appendUInt32(value)
        case .useCandidate:
            break
        case .iceControlled(let tieBreaker), .iceControlling(let tieBreaker):
            buffer.appendUInt64(tieBreaker)
        }
    }
}
