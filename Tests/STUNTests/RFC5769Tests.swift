import Testing
@testable import STUN

/// RFC 5769 "Test Vectors for STUN" §2.1–§2.3: parse, verify, and regenerate byte for byte.
/// The samples pad with 0x20, so regeneration uses `paddingByte: 0x20`.
@Suite("RFC 5769 test vectors")
struct RFC5769Tests {
    static let key = STUNIntegrityKey(shortTermPassword: "VOkJxbRl1RmTxUk/WvJxBt")

    /// §2.1 Sample Request.
    static let request = hex("""
        00 01 00 58                                         # Binding request, length 0x58
        21 12 a4 42                                         # magic cookie
        b7 e7 a7 01  bc 34 d6 86  fa 87 df ae               # transaction ID
        80 22 00 10                                         # SOFTWARE, length 16
        53 54 55 4e  20 74 65 73  74 20 63 6c  69 65 6e 74  #   "STUN test client"
        00 24 00 04                                         # PRIORITY, length 4
        6e 00 01 ff                                         #   0x6e0001ff
        80 29 00 08                                         # ICE-CONTROLLED, length 8
        93 2f f9 b1  51 26 3b 36                            #   tiebreaker
        00 06 00 09                                         # USERNAME, length 9
        65 76 74 6a  3a 68 36 76  59 20 20 20               #   "evtj:h6vY" + 3 bytes padding (0x20)
        00 08 00 14                                         # MESSAGE-INTEGRITY, length 20
        9a ea a7 0c  bf d8 cb 56  78 1e f2 b5  b2 d3 f2 49  c1 b5 71 a2
        80 28 00 04                                         # FINGERPRINT, length 4
        e5 7a 3b cf                                         #   CRC-32 ^ 0x5354554e
        """)

    /// §2.2 Sample IPv4 Response.
    static let ipv4Response = hex("""
        01 01 00 3c                                         # Binding success response, length 0x3c
        21 12 a4 42                                         # magic cookie
        b7 e7 a7 01  bc 34 d6 86  fa 87 df ae               # transaction ID
        80 22 00 0b                                         # SOFTWARE, length 11
        74 65 73 74  20 76 65 63  74 6f 72 20               #   "test vector" + 1 byte padding
        00 20 00 08                                         # XOR-MAPPED-ADDRESS, length 8
        00 01 a1 47                                         #   IPv4, port 32853 ^ 0x2112
        e1 12 a6 43                                         #   192.0.2.1 ^ 0x2112a442
        00 08 00 14                                         # MESSAGE-INTEGRITY
        2b 91 f5 99  fd 9e 90 c3  8c 74 89 f9  2a f9 ba 53  f0 6b e7 d7
        80 28 00 04                                         # FINGERPRINT
        c0 7d 4c 96
        """)

    /// §2.3 Sample IPv6 Response.
    static let ipv6Response = hex("""
        01 01 00 48                                         # Binding success response, length 0x48
        21 12 a4 42                                         # magic cookie
        b7 e7 a7 01  bc 34 d6 86  fa 87 df ae               # transaction ID
        80 22 00 0b                                         # SOFTWARE, length 11
        74 65 73 74  20 76 65 63  74 6f 72 20               #   "test vector" + 1 byte padding
        00 20 00 14                                         # XOR-MAPPED-ADDRESS, length 20
        00 02 a1 47                                         #   IPv6, port 32853 ^ 0x2112
        01 13 a9 fa  a5 d3 f1 79  bc 25 f4 b5  be d2 b9 d9  #   2001:db8:1234:5678:11:2233:4455:6677 ^ (cookie ‖ id)
        00 08 00 14                                         # MESSAGE-INTEGRITY
        a3 82 95 4e  4b e6 7b f1  17 84 c9 7c  82 92 c2 75  bf e3 ed 41
        80 28 00 04                                         # FINGERPRINT
        c8 fb 0b 4c
        """)

    @Test func sampleRequestParses() throws {
        let message = try STUNMessage(parsing: Self.request)
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID == rfc5769TransactionID)
        #expect(message.software == "STUN test client")
        #expect(message.priority == 0x6E00_01FF)
        #expect(message.iceControlled == 0x932F_F9B1_5126_3B36)
        #expect(message.iceControlling == nil)
        #expect(message.username == "evtj:h6vY")
        #expect(message.messageIntegrity == hex("9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2"))
        #expect(message.fingerprint == 0xE57A_3BCF)
        #expect(message.attributes.count == 6)
    }

    @Test(arguments: [request, ipv4Response, ipv6Response])
    func integrityAndFingerprintVerify(_ bytes: [UInt8]) throws {
        try STUNMessage.verifyMessageIntegrity(bytes, key: Self.key)
        try STUNMessage.verifyFingerprint(bytes)
        #expect(STUNMessage.isSTUN(bytes))
    }

    @Test(arguments: [request, ipv4Response, ipv6Response])
    func wrongPasswordFailsIntegrity(_ bytes: [UInt8]) {
        #expect(throws: STUNError.integrityMismatch) {
            try STUNMessage.verifyMessageIntegrity(bytes, key: STUNIntegrityKey(shortTermPassword: "VOkJxbRl1RmTxUk/WvJxBT"))
        }
    }

    @Test func ipv4ResponseParses() throws {
        let message = try STUNMessage(parsing: Self.ipv4Response)
        #expect(message.type == .bindingSuccess)
        #expect(message.software == "test vector")
        #expect(message.xorMappedAddress == STUNAddress("192.0.2.1:32853"))
    }

    @Test func ipv6ResponseParses() throws {
        let message = try STUNMessage(parsing: Self.ipv6Response)
        #expect(message.type == .bindingSuccess)
        #expect(message.software == "test vector")
        #expect(message.xorMappedAddress == STUNAddress("[2001:db8:1234:5678:11:2233:4455:6677]:32853"))
    }

    /// Building each sample from typed attributes, with MESSAGE-INTEGRITY and FINGERPRINT
    /// computed by the writer, reproduces the RFC's bytes exactly.
    @Test(arguments: [
        (request, [
            STUNAttribute.software("STUN test client"), .priority(0x6E00_01FF),
            .iceControlled(tieBreaker: 0x932F_F9B1_5126_3B36), .username("evtj:h6vY"),
        ], STUNMessageType.bindingRequest),
        (ipv4Response, [
            .software("test vector"), .xorMappedAddress(STUNAddress("192.0.2.1:32853")!),
        ], .bindingSuccess),
        (ipv6Response, [
            .software("test vector"),
            .xorMappedAddress(STUNAddress("[2001:db8:1234:5678:11:2233:4455:6677]:32853")!),
        ], .bindingSuccess),
    ])
    func regeneratesByteExact(expected: [UInt8], attributes: [STUNAttribute], type: STUNMessageType) throws {
        let message = STUNMessage(type: type, transactionID: rfc5769TransactionID, attributes: attributes)
        let bytes = try message.encoded(integrity: Self.key, fingerprint: true, paddingByte: 0x20)
        #expect(hexString(bytes) == hexString(expected))
        #expect(try message.encodedSize(integrity: true, fingerprint: true) == expected.count)
    }

    /// Parsing and re-writing verbatim (stored MESSAGE-INTEGRITY and FINGERPRINT kept)
    /// reproduces the sample; re-signing the parsed message also does.
    @Test(arguments: [request, ipv4Response, ipv6Response])
    func parseWriteRoundTrip(_ bytes: [UInt8]) throws {
        let message = try STUNMessage(parsing: bytes)
        #expect(try message.encoded(paddingByte: 0x20) == bytes)
        #expect(try message.encoded(integrity: Self.key, fingerprint: true, paddingByte: 0x20) == bytes)
        // With zero padding the MAC changes but both checks still pass on the new bytes.
        let zeroPadded = try message.encoded(integrity: Self.key, fingerprint: true)
        try STUNMessage.verifyMessageIntegrity(zeroPadded, key: Self.key)
        try STUNMessage.verifyFingerprint(zeroPadded)
        #expect(try STUNMessage(parsing: zeroPadded).attributes.dropLast(2) == message.attributes.dropLast(2))
    }

    /// libwebrtc's stunmessage tests compute the §2.1 MAC with zero padding as 7907c2d2…f9e3.
    @Test func zeroPaddedRequestMACMatchesLibwebrtc() throws {
        let message = try STUNMessage(parsing: Self.request)
        let bytes = try message.encoded(integrity: Self.key)
        #expect(hexString(Array(bytes.suffix(20))) == "7907c2d2edbfea480e4c76d82962d5c3742af9e3")
    }
}
