// MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 over the message up to the attribute,
// with the header's Message Length adjusted to end just after MESSAGE-INTEGRITY.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Type = 0x0008             |          Length = 20          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                   HMAC-SHA1 (20 bytes)                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// A MESSAGE-INTEGRITY key with its HMAC pads precomputed.
public struct STUNIntegrityKey: Sendable {
    let hmac: HMACSHA1

    /// A key from raw bytes (for long-term credentials: MD5(username ":" realm ":" password)).
    public init(bytes: [UInt8]) {
        hmac = HMACSHA1(key: bytes)
    }

    /// A short-term credential key (RFC 8489 §9.1.1): the password's UTF-8 bytes. ICE
    /// passwords are ice-chars (RFC 8445 §5.3), which OpaqueString leaves unchanged.
    public init(shortTermPassword password: String) {
        self.init(bytes: Array(password.utf8))
    }
}

extension STUNMessage {
    /// Checks the first MESSAGE-INTEGRITY of the message in `bytes` against `key`.
    ///
    /// - Throws: the parse error if the header or attribute layout is invalid;
    ///   `.missingAttribute` without MESSAGE-INTEGRITY; `.integrityMismatch` if the MAC differs.
    public static func verifyMessageIntegrity(_ bytes: UnsafeRawBufferPointer, key: STUNIntegrityKey) throws(STUNError) {
        _ = try STUNHeader(validating: bytes)
        var found: RawAttribute?
        try STUNHeader.forEachAttribute(in: bytes) { raw in
            guard raw.type == .messageIntegrity else { return true }
            found = raw
            return false
        }
        guard let integrity = found else {
            throw .missingAttribute(type: STUNAttributeType.messageIntegrity.rawValue)
        }
        guard integrity.value.count == HMACSHA1.macSize else {
            throw .invalidAttributeLength(
                type: integrity.type.rawValue, length: integrity.value.count, expected: HMACSHA1.macSize)
        }
        let adjustedLength = integrity.offset - headerSize + 4 + HMACSHA1.macSize
        var lengthField: [UInt8] = []
        lengthField.appendUInt16(UInt16(truncatingIfNeeded: adjustedLength))
        let mac = lengthField.withUnsafeBytes { length in
            key.hmac.authenticationCode(parts: [bytes.slice(0..<2), length, bytes.slice(4..<integrity.offset)])
        }
        guard constantTimeEqual(bytes.slice(integrity.value), mac) else { throw .integrityMismatch }
    }

    /// Checks the first MESSAGE-INTEGRITY of the message in `bytes` against `key`.
    public static func verifyMessageIntegrity(_ bytes: [UInt8], key: STUNIntegrityKey) throws(STUNError) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(STUNError) in try verifyMessageIntegrity(raw, key: key) }
        }.get()
    }
}
