import Testing

@testable import Trunk

@Suite("Random, constant-time compare, base64")
struct TrunkUtilityTests {
    @Test func initializationSucceeds() throws {
        try TrunkCrypto.initialize()
        try TrunkCrypto.initialize()  // idempotent
    }

    @Test func randomBytesDiffer() {
        let a = TrunkRandom.bytes(count: 32)
        let b = TrunkRandom.bytes(count: 32)
        #expect(a.count == 32)
        #expect(a != b)
        #expect(a != [UInt8](repeating: 0, count: 32))
        #expect(TrunkRandom.bytes(count: 0).isEmpty)
        #expect(TrunkRandom.bytes(count: -1).isEmpty)
        #expect(TrunkRandom.uint64() != TrunkRandom.uint64())
        #expect(TrunkSymmetricKey.random() != TrunkSymmetricKey.random())
    }

    @Test(arguments: [
        ([UInt8](), [UInt8](), true),
        ([1, 2, 3], [1, 2, 3], true),
        ([1, 2, 3], [1, 2, 4], false),
        ([1, 2, 3], [1, 2], false),  // lengths differ
        ([0], [], false),
    ] as [([UInt8], [UInt8], Bool)])
    func constantTimeEquals(a: [UInt8], b: [UInt8], equal: Bool) {
        #expect(TrunkCrypto.constantTimeEquals(a, b) == equal)
    }

    /// RFC 4648 §10 test vectors.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func base64RFC4648(plain: String, encoded: String) throws {
        #expect(TrunkBase64.encode(Array(plain.utf8)) == encoded)
        #expect(try TrunkBase64.decode(encoded) == Array(plain.utf8))
    }

    @Test(arguments: ["Zg", "Zm9v\n", "Zm9v YmFy", "Zm9v!", "Zg=", "Zm9v_-8="])
    func base64RejectsMalformed(input: String) {
        #expect(throws: TrunkError.invalidBase64(length: input.utf8.count)) { try TrunkBase64.decode(input) }
    }

    @Test func base64BinaryRoundTrip() throws {
        let bytes = (0...255).map { UInt8($0) }
        #expect(try TrunkBase64.decode(TrunkBase64.encode(bytes)) == bytes)
    }
}
