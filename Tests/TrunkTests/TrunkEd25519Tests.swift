import Testing

@testable import Trunk

@Suite("Ed25519")
struct TrunkEd25519Tests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let secretKey: String
        let publicKey: String
        let message: String
        let signature: String
        var testDescription: String { name }
    }

    /// RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte, 0x72).
    static let rfc8032 = [
        Vector(
            name: "TEST 1",
            secretKey: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            message: "",
            signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        Vector(
            name: "TEST 2",
            secretKey: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            message: "72",
            signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ]

    @Test(arguments: rfc8032)
    func rfc8032KnownAnswer(vector: Vector) throws {
        let key = try TrunkSigningKey(seed: hex(vector.secretKey))
        #expect(key.verifyingKey.rawRepresentation == hex(vector.publicKey))
        let signature = key.signature(for: hex(vector.message))
        #expect(signature == hex(vector.signature), "got \(hexString(signature))")
        #expect(key.verifyingKey.isValidSignature(hex(vector.signature), for: hex(vector.message)))
    }

    @Test(arguments: rfc8032)
    func tamperedSignaturesAndMessagesFail(vector: Vector) throws {
        let verifier = try TrunkVerifyingKey(rawRepresentation: hex(vector.publicKey))
        let signature = hex(vector.signature)
        for index in [0, 31, 32, 63] {
            var bad = signature
            bad[index] ^= 0x40
            #expect(!verifier.isValidSignature(bad, for: hex(vector.message)))
        }
        #expect(!verifier.isValidSignature(signature, for: hex(vector.message) + [0]))
        #expect(!verifier.isValidSignature(Array(signature.dropLast()), for: hex(vector.message)))
        #expect(!verifier.isValidSignature([], for: hex(vector.message)))
    }

    @Test func serializationRoundTrips() throws {
        let key = TrunkSigningKey.generate()
        let message = Array("node-id=a1 region=eu-central".utf8)
        let signature = key.signature(for: message)
        #expect(signature.count == 64)

        let fromSeed = try TrunkSigningKey(seed: key.exportSeed())
        let fromSecret = try TrunkSigningKey(secretKey: key.exportSecretKey())
        let fromBase64 = try TrunkSigningKey(seedBase64: key.exportSeedBase64())
        for restored in [fromSeed, fromSecret, fromBase64] {
            #expect(restored.verifyingKey == key.verifyingKey)
            #expect(restored.signature(for: message) == signature)  // Ed25519 is deterministic
        }
        #expect(key.exportSecretKey().count == 64)
        #expect(Array(key.exportSecretKey().suffix(32)) == key.verifyingKey.rawRepresentation)

        let verifier = try TrunkVerifyingKey(base64: key.verifyingKey.base64)
        #expect(verifier == key.verifyingKey)
        #expect(verifier.isValidSignature(signature, for: message))
        #expect(!TrunkSigningKey.generate().verifyingKey.isValidSignature(signature, for: message))
    }

    @Test func rfcTest1Base64() throws {
        let key = try TrunkSigningKey(seed: hex(Self.rfc8032[0].secretKey))
        #expect(key.verifyingKey.base64 == "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
        #expect(!key.description.contains(key.exportSeedBase64()))
        #expect(key.description.contains("redacted"))
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains(key.exportSeedBase64()))
    }

    @Test func invalidInputsAreErrors() throws {
        #expect(throws: TrunkError.invalidLength(what: "Ed25519 seed", expected: 32, actual: 31)) {
            try TrunkSigningKey(seed: [UInt8](repeating: 1, count: 31))
        }
        #expect(throws: TrunkError.invalidLength(what: "Ed25519 secret key", expected: 64, actual: 32)) {
            try TrunkSigningKey(secretKey: [UInt8](repeating: 1, count: 32))
        }
        #expect(throws: TrunkError.invalidLength(what: "Ed25519 public key", expected: 32, actual: 0)) {
            try TrunkVerifyingKey(rawRepresentation: [])
        }
        // 64-byte secret key whose public half belongs to another seed.
        let a = TrunkSigningKey.generate()
        let b = TrunkSigningKey.generate()
        #expect(throws: TrunkError.keyPairMismatch) {
            try TrunkSigningKey(secretKey: a.exportSeed() + b.verifyingKey.rawRepresentation)
        }
        #expect(throws: TrunkError.invalidBase64(length: 5)) { try TrunkSigningKey(seedBase64: "abc!=") }
    }
}
