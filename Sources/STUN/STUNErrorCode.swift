/// The value of an ERROR-CODE attribute (RFC 8489 §14.8): a code 300–699 and a reason phrase.
public struct STUNErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The numeric code: class × 100 + number.
    public var code: Int
    /// The UTF-8 reason phrase (RFC 8489: fewer than 128 characters).
    public var reason: String

    /// An error code; `code` must lie in 300...699 for the attribute to be writable.
    public init(code: Int, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// 300 Try Alternate.
    public static let tryAlternate = STUNErrorCode(code: 300, reason: "Try Alternate")
    /// 400 Bad Request.
    public static let badRequest = STUNErrorCode(code: 400, reason: "Bad Request")
    /// 401 Unauthenticated.
    public static let unauthenticated = STUNErrorCode(code: 401, reason: "Unauthenticated")
    /// 420 Unknown Attribute.
    public static let unknownAttribute = STUNErrorCode(code: 420, reason: "Unknown Attribute")
    /// 438 Stale Nonce.
    public static let staleNonce = STUNErrorCode(code: 438, reason: "Stale Nonce")
    /// 487 Role Conflict (RFC 8445 §16.2).
    public static let roleConflict = STUNErrorCode(code: 487, reason: "Role Conflict")
    /// 500 Server Error.
    public static let serverError = STUNErrorCode(code: 500, reason: "Server Error")

    public var description: String { "\(code) \(reason)" }

    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |           Reserved, should be 0         |Class|     Number    |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |      Reason Phrase (variable)                                ..
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    private static let classMask: UInt32 = 0x0000_0700
    private static let numberMask: UInt32 = 0x0000_00FF

    /// Parses an ERROR-CODE value (RFC 8489 §14.8).
    init(parsing value: UnsafeRawBufferPointer) throws(STUNError) {
        let type = STUNAttributeType.errorCode.rawValue
        guard value.count >= 4 else {
            throw .invalidAttributeLength(type: type, length: value.count, expected: 4)
        }
        let word = value.readUInt32(at: 0)
        let errorClass = Int((word & Self.classMask) >> 8)
        let number = Int(word & Self.numberMask)
        guard (3...6).contains(errorClass), number < 100 else {
            throw .invalidErrorCode(errorClass: errorClass, number: number)
        }
        guard let reason = String(validating: value.slice(4..<value.count), as: UTF8.self) else {
            throw .invalidUTF8(type: type, length: value.count - 4)
        }
        self.init(code: errorClass * 100 + number, reason: reason)
    }

    /// The encoded value length, or an error if the code is out of range.
    func encodedLength() throws(STUNError) -> Int {
        guard (300...699).contains(code) else {
            throw .invalidErrorCode(errorClass: code / 100, number: code % 100)
        }
        return 4 + reason.utf8.count
    }

    /// Appends the value; `encodedLength()` has succeeded.
    func write(into buffer: inout [UInt8]) {
        let errorClass = UInt32(truncatingIfNeeded: code / 100)
        let number = UInt32(truncatingIfNeeded: code % 100)
        buffer.appendUInt32(errorClass << 8 | number)
        buffer.append(contentsOf: reason.utf8)
    }
}
