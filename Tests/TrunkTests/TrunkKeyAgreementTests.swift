import Testing

@testable import Trunk

@Suite("X25519 and key schedule")
struct TrunkKeyAgreementTests {
    // RFC 7748 §6.1.
    static let alicePrivate = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
    static let alicePublic = hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
    static let bobPrivate = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
    static let bobPublic = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
    static let shared = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")

    @Test func rfc7748Section6_1() throws {
        let alice = try TrunkX25519PrivateKey(rawRepresentation: Self.alicePrivate)
        let bob = try TrunkX25519PrivateKey(rawRepresentation: Self.bobPrivate)
        #expect(alice.publicKey.rawRepresentation == Self.alicePublic)
        #expect(bob.publicKey.rawRepresentation == Self.bobPublic)
        let k1 = try alice.sharedSecret(with: TrunkX25519PublicKey(rawRepresentation: Self.bobPublic))
        let k2 = try bob.sharedSecret(with: TrunkX25519PublicKey(rawRepresentation: Self.alicePublic))
        #expect(k1.exportSecretBytes() == Self.shared)
        #expect(k2.exportSecretBytes() == Self.shared)
        #expect(k1 == k2)
        #expect(alice.exportSecretBytes() == Self.alicePrivate)
    }

    @Test func generatedPairsAgree() throws {
        let a = TrunkX25519PrivateKey.generate()
        let b = TrunkX25519PrivateKey.generate()
        #expect(a.publicKey != b.publicKey)
        #expect(try a.sharedSecret(with: b.publicKey) == b.sharedSecret(with: a.publicKey))
        // A generated key re-imported from its bytes has the same public key.
        #expect(try TrunkX25519PrivateKey(rawRepresentation: a.exportSecretBytes()).publicKey == a.publicKey)
    }

    @Test(arguments: [
        [UInt8](repeating: 0, count: 32),  // u = 0, order 1
        [1] + [UInt8](repeating: 0, count: 31),  // u = 1, order 4
    ])
    func lowOrderPeerKeysAreRejected(point: [UInt8]) throws {
        let key = TrunkX25519PrivateKey.generate()
        #expect(throws: TrunkError.weakPublicKey) { try key.sharedSecret(with: TrunkX25519PublicKey(rawRepresentation: point)) }
    }

    @Test func lengthsAndBase64() throws {
        #expect(throws: TrunkError.invalidLength(what: "X25519 public key", expected: 32, actual: 31)) {
            try TrunkX25519PublicKey(rawRepresentation: [UInt8](repeating: 9, count: 31))
        }
        #expect(throws: TrunkError.invalidLength(what: "X25519 private key", expected: 32, actual: 33)) {
            try TrunkX25519PrivateKey(rawRepresentation: [UInt8](repeating: 9, count: 33))
        }
        let key = try TrunkX25519PublicKey(rawRepresentation: Self.alicePublic)
        #expect(key.base64 == "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=")
        #expect(try TrunkX25519PublicKey(base64: key.base64) == key)
        let secret = try TrunkX25519PrivateKey(rawRepresentation: Self.alicePrivate)
        #expect(!String(describing: secret).contains(TrunkBase64.encode(Self.alicePrivate)))
        #expect(String(describing: secret).contains("redacted"))
    }

    /// A KK-style handshake: both sides mix ee and ss and get mirrored keys.
    @Test func keyScheduleGivesMirroredDirectionalKeys() throws {
        let initiatorStatic = TrunkX25519PrivateKey.generate()
        let responderStatic = TrunkX25519PrivateKey.generate()
        let initiatorEphemeral = TrunkX25519PrivateKey.generate()
        let responderEphemeral = TrunkX25519PrivateKey.generate()
        let transcript = initiatorEphemeral.publicKey.rawRepresentation + responderEphemeral.publicKey.rawRepresentation

        let initiatorKeys = try TrunkKeySchedule.derive(
            sharedSecrets: [initiatorEphemeral.sharedSecret(with: responderEphemeral.publicKey),
                            initiatorStatic.sharedSecret(with: responderStatic.publicKey)],
            transcript: transcript)
        let responderKeys = try TrunkKeySchedule.derive(
            sharedSecrets: [responderEphemeral.sharedSecret(with: initiatorEphemeral.publicKey),
                            responderStatic.sharedSecret(with: initiatorStatic.publicKey)],
            transcript: transcript)
        #expect(initiatorKeys == responderKeys)
        #expect(initiatorKeys.initiatorToResponder != initiatorKeys.responderToInitiator)
        #expect(initiatorKeys.sendingKey(for: .initiator) == responderKeys.receivingKey(for: .responder))
        #expect(initiatorKeys.sendingKey(for: .responder) == responderKeys.receivingKey(for: .initiator))

        // Frames sealed by one side open on the other.
        let send = try TrunkAEAD(key: initiatorKeys.sendingKey(for: .initiator))
        let receive = try TrunkAEAD(key: responderKeys.receivingKey(for: .responder))
        #expect(try receive.open(send.seal([7, 7, 7], counter: 0), counter: 0) == [7, 7, 7])

        // A different transcript or secret order yields different keys.
        let ee = try initiatorEphemeral.sharedSecret(with: responderEphemeral.publicKey)
        let ss = try initiatorStatic.sharedSecret(with: responderStatic.publicKey)
        let tampered = try TrunkKeySchedule.derive(sharedSecrets: [ee, ss], transcript: transcript + [0])
        let swapped = try TrunkKeySchedule.derive(sharedSecrets: [ss, ee], transcript: transcript)
        let eeOnly = try TrunkKeySchedule.derive(sharedSecrets: [ee], transcript: transcript)
        #expect(tampered.initiatorToResponder != initiatorKeys.initiatorToResponder)
        #expect(swapped.initiatorToResponder != initiatorKeys.initiatorToResponder)
        #expect(eeOnly.initiatorToResponder != initiatorKeys.initiatorToResponder)
    }

    /// Pins the documented construction: BLAKE2b-256 over the labels, with the
    /// RFC 7748 shared secret as input and an empty transcript. Expected values
    /// computed with Python's hashlib.blake2b from the documented formula.
    @Test func keyScheduleKnownAnswer() throws {
        let alice = try TrunkX25519PrivateKey(rawRepresentation: Self.alicePrivate)
        let secret = try alice.sharedSecret(with: TrunkX25519PublicKey(rawRepresentation: Self.bobPublic))
        let keys = try TrunkKeySchedule.derive(sharedSecrets: [secret], transcript: [])
        #expect(hexString(keys.initiatorToResponder.exportSecretBytes()) == Self.expectedI2R)
        #expect(hexString(keys.responderToInitiator.exportSecretBytes()) == Self.expectedR2I)
    }
    static let expectedI2R = "ff913cf636e294976d47c0dc075b5552fab5949771c1c89ea3ba384aa982b4d8"
    static let expectedR2I = "95f8335892b385ce20bd5d433a08fe5a82b273240780e8cf2e9c863917d3cca3"

    @Test func keyScheduleNeedsASecret() {
        #expect(throws: TrunkError.noSharedSecrets) { try TrunkKeySchedule.derive(sharedSecrets: [], transcript: [1]) }
    }
}
