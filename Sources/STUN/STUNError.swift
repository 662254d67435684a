/// Everything that can go wrong when parsing, verifying or writing a STUN message.
///
/// Each case carries what was wrong and the sizes involved, so that a dropped
/// packet can be counted by reason and logged usefully.
public enum STUNError: Error, Hashable, Sendable {
    /// Fewer than the 20 bytes of the STUN header (RFC 8489 §5).
    case truncatedHeader(available: Int)
    /// The two most significant bits of the first byte are not zero (RFC 8489 §5).
    case notSTUN(firstByte: UInt8)
    /// The magic cookie is not 0x2112A442 (RFC 8489 §5).
    case badMagicCookie(UInt32)
    /// The header's Message Length is not a multiple of 4: an attribute lacks its padding (RFC 8489 §5, §14).
    case unalignedLength(declared: Int)
    /// The header's Message Length does not match the bytes after the header.
    case lengthMismatch(declared: Int, available: Int)
    /// An attribute's length runs past the end of the message.
    case attributeOverrun(type: UInt16, offset: Int, declaredLength: Int, available: Int)
    /// An attribute's padding runs past the end of the message.
    case attributePaddingOverrun(type: UInt16, offset: Int, paddedLength: Int, available: Int)
    /// A fixed-size attribute has the wrong length.
    case invalidAttributeLength(type: UInt16, length: Int, expected: Int)
    /// An address attribute names a family other than IPv4 (0x01) or IPv6 (0x02), or its
    /// length does not fit the family.
    case invalidAddressFamily(type: UInt16, family: UInt8, length: Int)
    /// A text attribute (USERNAME, SOFTWARE, reason phrase) is not valid UTF-8.
    case invalidUTF8(type: UInt16, length: Int)
    /// ERROR-CODE with a class outside 3...6 or a number outside 0...99 (RFC 8489 §14.8).
    case invalidErrorCode(errorClass: Int, number: Int)
    /// UNKNOWN-ATTRIBUTES whose length is odd (RFC 8489 §14.13).
    case invalidUnknownAttributes(length: Int)
    /// An attribute follows FINGERPRINT, which must be last (RFC 8489 §14.7).
    case attributeAfterFingerprint(type: UInt16)
    /// A required attribute is absent.
    case missingAttribute(type: UInt16)
    /// MESSAGE-INTEGRITY does not match the key (RFC 8489 §14.5).
    case integrityMismatch
    /// FINGERPRINT does not match the CRC-32 of the message (RFC 8489 §14.7).
    case fingerprintMismatch(received: UInt32, computed: UInt32)
    /// Writing: an attribute value longer than the 16-bit length field allows.
    case attributeTooLarge(type: UInt16, length: Int)
    /// Writing: the attributes exceed the 16-bit Message Length.
    case messageTooLarge(length: Int)
}
