// FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message up to the attribute, XOR 0x5354554E,
// with the header's Message Length covering FINGERPRINT; it must be the last attribute.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Type = 0x8028             |          Length = 4           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                 CRC-32 XOR 0x5354554E                         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

extension STUNMessage {
    /// Checks the FINGERPRINT of the message in `bytes`.
    ///
    /// - Throws: the parse error if the header or attribute layout is invalid;
    ///   `.missingAttribute` without FINGERPRINT; `.attributeAfterFingerprint` if it is
    ///   not last; `.fingerprintMismatch` if the CRC differs.
    public static func verifyFingerprint(_ bytes: UnsafeRawBufferPointer) throws(STUNError) {
        guard let received = try fingerprintValue(bytes) else {
            throw .missingAttribute(type: STUNAttributeType.fingerprint.rawValue)
        }
        var crc = CRC32()
        crc.update(bytes.slice(0..<(bytes.count - 8)))
        let computed = crc.value ^ fingerprintXOR
        guard computed == received else { throw .fingerprintMismatch(received: received, computed: computed) }
    }

    /// Checks the FINGERPRINT of the message in `bytes`.
    public static func verifyFingerprint(_ bytes: [UInt8]) throws(STUNError) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(STUNError) in try verifyFingerprint(raw) }
        }.get()
    }

    /// Whether the message in `bytes` carries a FINGERPRINT attribute; throws on an invalid layout.
    public static func hasFingerprint(_ bytes: UnsafeRawBufferPointer) throws(STUNError) -> Bool {
        try fingerprintValue(bytes) != nil
    }

    /// The FINGERPRINT value if present as the last attribute (checked to be 4 bytes), nil if absent.
    private static func fingerprintValue(_ bytes: UnsafeRawBufferPointer) throws(STUNError) -> UInt32? {
        _ = try STUNHeader(validating: bytes)
        var found: RawAttribute?
        try STUNHeader.forEachAttribute(in: bytes) { (raw) throws(STUNError) -> Bool in
            if found != nil { throw .attributeAfterFingerprint(type: raw.type.rawValue) }
            if raw.type == .fingerprint { found = raw }
            return true
        }
        guard let fingerprint = found else { return nil }
        guard fingerprint.value.count == 4 else {
            throw .invalidAttributeLength(type: fingerprint.type.rawValue, length: fingerprint.value.count, expected: 4)
        }
        return bytes.readUInt32(at: fingerprint.value.lowerBound)
    }
}
