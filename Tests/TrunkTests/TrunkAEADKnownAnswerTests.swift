import Testing

@testable import Trunk

/// Known answers pinning the nonce layout (zero prefix ‖ big-endian counter).
/// Expected outputs computed independently with pyca/cryptography: AESGCM for
/// AES-256-GCM, and ChaCha20Poly1305 keyed with HChaCha20 (checked against
/// draft-irtf-cfrg-xchacha-03 §2.2.1) for XChaCha20-Poly1305.
@Suite("TrunkAEAD known answers")
struct TrunkAEADKnownAnswerTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let cipher: TrunkCipher
        let sealed: String
        var testDescription: String { cipher.rawValue }
    }

    static let vectors = [
        // nonce 00000000 0102030405060708
        Vector(cipher: .aes256gcm, sealed: "4135026b90847af623eb8f9a700c 90e799d4d6c533a76a25f386bb00f705"),
        // nonce 00000000000000000000000000000000 0102030405060708
        Vector(cipher: .xchacha20poly1305, sealed: "e1879affb65669533bd5c0f5d820 6fab0396b0cebfbd39e63f8156430845"),
    ]

    @Test(arguments: vectors)
    func sealMatchesReference(vector: Vector) throws {
        let key = try TrunkSymmetricKey(bytes: (0..<32).map { UInt8($0) })  // 00 01 … 1f
        let aead = try TrunkAEAD(key: key, cipher: vector.cipher)
        let plaintext = Array("EdgeMesh trunk".utf8)  // 14 bytes
        let associatedData = hex("01 02 00 0a 0b 07")
        let sealed = try aead.seal(plaintext, counter: 0x0102_0304_0506_0708, associatedData: associatedData)
        #expect(sealed == hex(vector.sealed), "got \(hexString(sealed))")
        #expect(try aead.open(hex(vector.sealed), counter: 0x0102_0304_0506_0708, associatedData: associatedData) == plaintext)
    }
}
