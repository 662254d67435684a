import Testing
@testable import STUN

@Suite("STUN attributes and message types")
struct AttributeTests {
    static let id = STUNTransactionID(hex("0102030405060708090a0b0c"))!

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var attribute: STUNAttribute
        var encoded: [UInt8]  // attribute header, value and zero padding
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "MAPPED-ADDRESS IPv4", attribute: .mappedAddress(STUNAddress("192.0.2.1:32853")!), encoded: hex("""
            0001 0008     # MAPPED-ADDRESS, 8 bytes
            00 01 8055    # IPv4, port 32853
            c0000201      # 192.0.2.1
            """)),
        Case(name: "MAPPED-ADDRESS IPv6", attribute: .mappedAddress(STUNAddress("[2001:db8::1]:3478")!), encoded: hex("""
            0001 0014     # MAPPED-ADDRESS, 20 bytes
            00 02 0d96    # IPv6, port 3478
            20010db8 00000000 00000000 00000001
            """)),
        Case(name: "XOR-MAPPED-ADDRESS IPv4", attribute: .xorMappedAddress(STUNAddress("10.0.0.1:5000")!), encoded: hex("""
            0020 0008     # XOR-MAPPED-ADDRESS
            00 01 329a    # 5000 (0x1388) ^ 0x2112 = 0x329a
            2b12a443      # 0a000001 ^ 2112a442
            """)),
        Case(name: "XOR-MAPPED-ADDRESS IPv6", attribute: .xorMappedAddress(STUNAddress("[::1]:1")!), encoded: hex("""
            0020 0014     # XOR-MAPPED-ADDRESS, 20 bytes
            00 02 2113    # 1 ^ 0x2112
            2112a442 01020304 05060708 090a0b0d   # ::1 ^ (cookie ‖ 0102…0c)
            """)),
        Case(name: "USERNAME with padding", attribute: .username("abcde"), encoded: hex("0006 0005 6162636465 000000")),
        Case(name: "SOFTWARE", attribute: .software("edgemesh"), encoded: hex("8022 0008 6564 6765 6d65 7368")),
        Case(name: "ERROR-CODE 487", attribute: .errorCode(.roleConflict), encoded: hex("""
            0009 0011                  # ERROR-CODE, 17 bytes
            0000 04 57                 # class 4, number 87
            526f6c6520436f6e666c696374 # "Role Conflict"
            000000                     # padding
            """)),
        Case(name: "UNKNOWN-ATTRIBUTES", attribute: .unknownAttributes([.init(rawValue: 0x0031), .init(rawValue: 0x7FFF), .init(rawValue: 0x0002)]),
             encoded: hex("000a 0006 0031 7fff 0002 0000")),
        Case(name: "PRIORITY", attribute: .priority(0x6E00_01FF), encoded: hex("0024 0004 6e0001ff")),
        Case(name: "USE-CANDIDATE", attribute: .useCandidate, encoded: hex("0025 0000")),
        Case(name: "ICE-CONTROLLING", attribute: .iceControlling(tieBreaker: 0x0102_0304_0506_0708),
             encoded: hex("802a 0008 0102030405060708")),
        Case(name: "ICE-CONTROLLED", attribute: .iceControlled(tieBreaker: 1), encoded: hex("8029 0008 0000000000000001")),
        Case(name: "FINGERPRINT (stored)", attribute: .fingerprint(0xDEAD_BEEF), encoded: hex("8028 0004 deadbeef")),
        Case(name: "unknown comprehension-optional kept raw", attribute: .other(type: .init(rawValue: 0xC057), value: [1, 2, 3]),
             encoded: hex("c057 0003 010203 00")),
        Case(name: "REALM kept raw", attribute: .other(type: .realm, value: Array("x".utf8)), encoded: hex("0014 0001 78 000000")),
    ]

    @Test(arguments: cases)
    func encodesAndParses(_ testCase: Case) throws {
        let message = STUNMessage(type: .bindingSuccess, transactionID: Self.id, attributes: [testCase.attribute])
        let bytes = try message.encoded()
        let expected = hex("0101") + [0, UInt8(testCase.encoded.count)] + hex("2112a442 0102030405060708090a0b0c")
            + testCase.encoded
        #expect(hexString(bytes) == hexString(expected))
        #expect(try STUNMessage(parsing: bytes) == message)
        #expect(try message.encodedSize() == bytes.count)
    }

    /// RFC 8489 §5 type layout: method bits around the class bits C0 (0x0010) and C1 (0x0100).
    @Test(arguments: [
        (UInt16(0x001), STUNClass.request, UInt16(0x0001)),
        (0x001, .indication, 0x0011),
        (0x001, .successResponse, 0x0101),
        (0x001, .errorResponse, 0x0111),
        (0x003, .request, 0x0003),          // TURN Allocate
        (0x00F, .successResponse, 0x010F),  // M0–M3
        (0x010, .request, 0x0020),          // M4 → bit 5
        (0x080, .request, 0x0200),          // M7 → bit 9
        (0xFFF, .errorResponse, 0x3FFF),
        (0xFFF, .request, 0x3EEF),
    ])
    func messageTypeLayout(method: UInt16, messageClass: STUNClass, raw: UInt16) throws {
        let type = STUNMessageType(method: try #require(STUNMethod(rawValue: method)), messageClass: messageClass)
        #expect(type.rawValue == raw)
        #expect(STUNMessageType(rawValue: raw) == type)
    }

    @Test func methodMustFitTwelveBits() {
        #expect(STUNMethod(rawValue: 0x1000) == nil)
        #expect(STUNMethod(rawValue: 0x0FFF) != nil)
    }

    @Test func everyTypeRoundTrips() {
        for raw in UInt16(0)...0x3FFF {
            #expect(STUNMessageType(rawValue: raw).rawValue == raw)
        }
    }

    @Test func writeRejectsOversizedValues() {
        let big = String(repeating: "a", count: 65_536)
        let message = STUNMessage(type: .bindingRequest, transactionID: Self.id, attributes: [.software(big)])
        var buffer: [UInt8] = [9]
        #expect(throws: STUNError.attributeTooLarge(type: 0x8022, length: 65_536)) {
            try message.write(into: &buffer)
        }
        #expect(buffer == [9])  // untouched on error
        let many = STUNMessage(type: .bindingRequest, transactionID: Self.id,
                               attributes: Array(repeating: .software(String(repeating: "b", count: 40_000)), count: 2))
        #expect(throws: STUNError.messageTooLarge(length: 80_008)) { try many.encoded() }
    }

    @Test(arguments: [299, 700, -1])
    func writeRejectsErrorCodesOutOfRange(code: Int) {
        let message = STUNMessage(type: .bindingError, transactionID: Self.id,
                                  attributes: [.errorCode(STUNErrorCode(code: code, reason: ""))])
        #expect(throws: STUNError.invalidErrorCode(errorClass: code / 100, number: code % 100)) { try message.encoded() }
    }

    /// Writing with `integrity`/`fingerprint` replaces stored ones instead of duplicating them.
    @Test func resigningReplacesStoredIntegrityAndFingerprint() throws {
        let key = STUNIntegrityKey(shortTermPassword: "secret")
        let message = STUNMessage(type: .bindingRequest, transactionID: Self.id, attributes: [
            .username("a:b"), .messageIntegrity([UInt8](repeating: 0, count: 20)), .fingerprint(0),
        ])
        let bytes = try message.encoded(integrity: key, fingerprint: true)
        let parsed = try STUNMessage(parsing: bytes)
        #expect(parsed.attributes.count == 3)
        try STUNMessage.verifyMessageIntegrity(bytes, key: key)
        try STUNMessage.verifyFingerprint(bytes)
        // Fingerprint only: the stored MESSAGE-INTEGRITY is kept, the stored FINGERPRINT replaced.
        let fingerprintOnly = try message.encoded(fingerprint: true)
        #expect(try STUNMessage(parsing: fingerprintOnly).messageIntegrity == [UInt8](repeating: 0, count: 20))
        try STUNMessage.verifyFingerprint(fingerprintOnly)
    }

    @Test func writeAppendsAfterExistingBytes() throws {
        let message = STUNMessage(type: .bindingRequest, transactionID: Self.id, attributes: [.useCandidate])
        var buffer: [UInt8] = [0xAA, 0xBB]
        try message.write(into: &buffer, integrity: STUNIntegrityKey(shortTermPassword: "k"), fingerprint: true)
        let alone = try message.encoded(integrity: STUNIntegrityKey(shortTermPassword: "k"), fingerprint: true)
        #expect(buffer == [0xAA, 0xBB] + alone)
    }

    @Test func unknownComprehensionRequiredTypes() throws {
        let message = STUNMessage(type: .bindingRequest, transactionID: Self.id, attributes: [
            .other(type: .init(rawValue: 0x0031), value: []), .other(type: .init(rawValue: 0xC057), value: [0, 1]),
            .other(type: .init(rawValue: 0x0031), value: [1]), .other(type: .realm, value: []),
        ])
        #expect(message.unknownComprehensionRequiredTypes == [.init(rawValue: 0x0031), .realm])
    }

    @Test func randomTransactionIDs() {
        let a = STUNTransactionID.random(), b = STUNTransactionID.random()
        #expect(a.bytes.count == 12)
        #expect(a != b)
        #expect(STUNTransactionID([1, 2, 3]) == nil)
    }
}
