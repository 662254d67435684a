import Testing
@testable import STUN

@Suite("STUN message parsing errors")
struct MessageParseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var error: STUNError
        var testDescription: String { name }
    }

    /// Header used by the cases below: Binding request, transaction ID 0x01…0x0c.
    static func header(length: UInt16, type: UInt16 = 0x0001) -> String {
        let t = String(type, radix: 16), l = String(length, radix: 16)
        return String(repeating: "0", count: 4 - t.count) + t + String(repeating: "0", count: 4 - l.count) + l
            + " 2112a442 0102030405060708090a0b0c"
    }

    static let cases: [Case] = [
        Case(name: "empty", bytes: [], error: .truncatedHeader(available: 0)),
        Case(name: "19-byte header", bytes: hex("0001 0000 2112a442 0102030405060708090a0b"),
             error: .truncatedHeader(available: 19)),
        Case(name: "top bits set (RTP-like first byte 0x80)",
             bytes: hex("8001 0000 2112a442 0102030405060708090a0b0c"), error: .notSTUN(firstByte: 0x80)),
        Case(name: "first byte 0x40", bytes: hex("4001 0000 2112a442 0102030405060708090a0b0c"),
             error: .notSTUN(firstByte: 0x40)),
        Case(name: "RFC 3489 style cookie", bytes: hex("0001 0000 deadbeef 0102030405060708090a0b0c"),
             error: .badMagicCookie(0xDEAD_BEEF)),
        Case(name: "length 5: missing padding", bytes: hex("""
            0001 0005 2112a442 0102030405060708090a0b0c   # length 5 is not a multiple of 4
            0006 0001 61                                  # USERNAME "a" without its 3 padding bytes
            """), error: .unalignedLength(declared: 5)),
        Case(name: "length says 8, 4 present", bytes: hex(header(length: 8) + " 0025 0000"),
             error: .lengthMismatch(declared: 8, available: 4)),
        Case(name: "length says 0, 4 trailing bytes", bytes: hex(header(length: 0) + " 0025 0000"),
             error: .lengthMismatch(declared: 0, available: 4)),
        Case(name: "attribute length past end", bytes: hex(header(length: 8) + """
            0006 0008      # USERNAME claims 8 bytes
            61626364       # only 4 follow
            """), error: .attributeOverrun(type: 0x0006, offset: 20, declaredLength: 8, available: 4)),
        Case(name: "attribute length 0xffff", bytes: hex(header(length: 4) + " 8022 ffff"),
             error: .attributeOverrun(type: 0x8022, offset: 20, declaredLength: 0xFFFF, available: 0)),
        Case(name: "second attribute past end", bytes: hex(header(length: 12) + """
            0025 0000          # USE-CANDIDATE
            0024 0008 00000001 # PRIORITY claims 8, 4 follow
            """), error: .attributeOverrun(type: 0x0024, offset: 24, declaredLength: 8, available: 4)),
        Case(name: "PRIORITY of 3 bytes", bytes: hex(header(length: 8) + " 0024 0003 000001 00"),
             error: .invalidAttributeLength(type: 0x0024, length: 3, expected: 4)),
        Case(name: "USE-CANDIDATE with a value", bytes: hex(header(length: 8) + " 0025 0004 00000000"),
             error: .invalidAttributeLength(type: 0x0025, length: 4, expected: 0)),
        Case(name: "ICE-CONTROLLING of 4 bytes", bytes: hex(header(length: 8) + " 802a 0004 00000001"),
             error: .invalidAttributeLength(type: 0x802A, length: 4, expected: 8)),
        Case(name: "MESSAGE-INTEGRITY of 16 bytes", bytes: hex(header(length: 20) + " 0008 0010" + String(repeating: "00", count: 16)),
             error: .invalidAttributeLength(type: 0x0008, length: 16, expected: 20)),
        Case(name: "FINGERPRINT of 8 bytes", bytes: hex(header(length: 12) + " 8028 0008 0000000000000000"),
             error: .invalidAttributeLength(type: 0x8028, length: 8, expected: 4)),
        Case(name: "address family 3", bytes: hex(header(length: 12) + """
            0020 0008   # XOR-MAPPED-ADDRESS
            00 03 0000  # family 3
            00000000
            """), error: .invalidAddressFamily(type: 0x0020, family: 3, length: 8)),
        Case(name: "IPv6 family with IPv4 length", bytes: hex(header(length: 12) + " 0001 0008 0002 0050 7f000001"),
             error: .invalidAddressFamily(type: 0x0001, family: 2, length: 8)),
        Case(name: "address value of 2 bytes", bytes: hex(header(length: 8) + " 0001 0002 0001 0000"),
             error: .invalidAttributeLength(type: 0x0001, length: 2, expected: 8)),
        Case(name: "USERNAME not UTF-8", bytes: hex(header(length: 8) + " 0006 0002 c328 0000"),
             error: .invalidUTF8(type: 0x0006, length: 2)),
        Case(name: "ERROR-CODE class 7", bytes: hex(header(length: 8) + " 0009 0004 00000701"),
             error: .invalidErrorCode(errorClass: 7, number: 1)),
        Case(name: "ERROR-CODE number 100", bytes: hex(header(length: 8) + " 0009 0004 00000464"),
             error: .invalidErrorCode(errorClass: 4, number: 100)),
        Case(name: "ERROR-CODE of 2 bytes", bytes: hex(header(length: 8) + " 0009 0002 0004 0000"),
             error: .invalidAttributeLength(type: 0x0009, length: 2, expected: 4)),
        Case(name: "UNKNOWN-ATTRIBUTES odd length", bytes: hex(header(length: 8) + " 000a 0003 0001 00 00"),
             error: .invalidUnknownAttributes(length: 3)),
        Case(name: "attribute after FINGERPRINT", bytes: hex(header(length: 12) + """
            8028 0004 00000000   # FINGERPRINT
            0025 0000            # USE-CANDIDATE after it
            """), error: .attributeAfterFingerprint(type: 0x0025)),
    ]

    @Test(arguments: cases)
    func rejects(_ testCase: Case) {
        #expect(parseError(testCase.bytes) == testCase.error)
    }

    /// Every proper prefix of each RFC 5769 sample fails with a typed error, never a trap.
    @Test(arguments: [RFC5769Tests.request, RFC5769Tests.ipv4Response, RFC5769Tests.ipv6Response])
    func everyTruncationFails(_ bytes: [UInt8]) {
        for length in 0..<bytes.count {
            let expected: STUNError = length < 20
                ? .truncatedHeader(available: length)
                : .lengthMismatch(declared: bytes.count - 20, available: length - 20)
            #expect(parseError(Array(bytes.prefix(length))) == expected, "prefix \(length)")
        }
    }

    /// Truncating a sample and fixing up the header length makes an attribute overrun or
    /// misaligns, depending on where the cut falls.
    @Test func truncationWithFixedLengthIsTyped() {
        let bytes = RFC5769Tests.request
        for length in 20..<bytes.count {
            var cut = Array(bytes.prefix(length))
            cut.setUInt16(UInt16(length - 20), at: 2)
            let error = parseError(cut)
            switch error {
            case .unalignedLength?, .attributeOverrun?, nil: break
            default: Issue.record("prefix \(length): unexpected \(String(describing: error))")
            }
            // A cut on an attribute boundary parses (fewer attributes), any other cut fails.
            let boundaries: Set<Int> = [20, 40, 48, 60, 76, 100, 108]
            #expect((error == nil) == boundaries.contains(length), "prefix \(length)")
        }
    }

    /// Any flipped bit after the header breaks the fingerprint (and the MAC when before it).
    @Test func corruptionFailsIntegrityAndFingerprint() throws {
        let key = RFC5769Tests.key
        let original = RFC5769Tests.request
        for index in 20..<(original.count - 8) {
            var bytes = original
            bytes[index] ^= 0x01
            #expect(throws: STUNError.self) { try STUNMessage.verifyFingerprint(bytes) }
            if index < 76 {  // before MESSAGE-INTEGRITY's value
                guard (try? STUNMessage(parsing: bytes)) != nil else { continue }
                #expect(throws: STUNError.integrityMismatch) { try STUNMessage.verifyMessageIntegrity(bytes, key: key) }
            }
        }
    }

    @Test func fingerprintMismatchReportsBothValues() {
        var bytes = RFC5769Tests.request
        bytes[bytes.count - 1] ^= 0xFF  // e57a3bcf → e57a3b30
        #expect(throws: STUNError.fingerprintMismatch(received: 0xE57A_3B30, computed: 0xE57A_3BCF)) {
            try STUNMessage.verifyFingerprint(bytes)
        }
    }

    @Test func missingIntegrityAndFingerprint() throws {
        let bytes = try STUNMessage(type: .bindingRequest, transactionID: rfc5769TransactionID).encoded()
        #expect(throws: STUNError.missingAttribute(type: 0x0008)) {
            try STUNMessage.verifyMessageIntegrity(bytes, key: RFC5769Tests.key)
        }
        #expect(throws: STUNError.missingAttribute(type: 0x8028)) { try STUNMessage.verifyFingerprint(bytes) }
    }

    /// RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored,
    /// and adding one does not change the MAC check.
    @Test func attributesAfterIntegrityAreIgnored() throws {
        let key = STUNIntegrityKey(shortTermPassword: "pass")
        let message = STUNMessage(type: .bindingRequest, transactionID: rfc5769TransactionID, attributes: [.username("a:b")])
        var bytes = try message.encoded(integrity: key)
        bytes += hex("0025 0000")  // USE-CANDIDATE after MESSAGE-INTEGRITY
        bytes.setUInt16(UInt16(bytes.count - 20), at: 2)
        let parsed = try STUNMessage(parsing: bytes)
        #expect(!parsed.useCandidate)
        #expect(parsed.attributes.count == 2)
        try STUNMessage.verifyMessageIntegrity(bytes, key: key)
    }

    /// Duplicate attributes are kept in order; accessors return the first (RFC 8489 §14).
    @Test func duplicatesKeepFirst() throws {
        let bytes = hex(Self.header(length: 16) + """
            0024 0004 00000001   # PRIORITY 1
            0024 0004 00000002   # PRIORITY 2
            """)
        let message = try STUNMessage(parsing: bytes)
        #expect(message.priority == 1)
        #expect(message.attributes == [.priority(1), .priority(2)])
    }
}
