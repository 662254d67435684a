import TrunkWire

/// The key agreement of the trunk handshake (docs/trunk-protocol.md §4), as
/// pure functions over the wire messages. Noise KK in spirit: both static keys
/// are known in advance (the initiator's travels in its credential), each side
/// adds a fresh ephemeral key, and the session keys come from all four
/// Diffie-Hellman results and the handshake transcript:
///
/// ```
/// init MAC key  = KS([DH(e_i,s_r), DH(s_i,s_r)], s_r ‖ init[0..<68+L]).initiatorToResponder
/// init MAC      = XChaCha20-Poly1305(init MAC key, counter 0, AD = init[0..<68+L], "")
/// session keys  = KS([DH(e_i,e_r), DH(e_i,s_r), DH(s_i,e_r), DH(s_i,s_r)], init ‖ response[0..<68])
/// confirmation  = AEAD_chosen(k_r2i, counter 0, AD = response[0..<68], "")
/// ```
/// where KS is `TrunkKeySchedule.derive`. The MAC lets a responder act only on
/// inits from the holder of the credential's static key; the confirmation
/// proves the responder derived the same keys. Frames from the responder start
/// at counter 1 (0 was used by the confirmation), from the initiator at 0.
enum TrunkHandshakeCrypto {
    /// What an initiator keeps while its init is outstanding.
    struct Pending: Sendable {
        let keyID: UInt32
        let ephemeral: TrunkX25519PrivateKey
        let bytes: [UInt8]
        let timestamp: UInt64
        let createdAt: UInt64
        var lastSentAt: UInt64
    }

    /// Builds an init for `remoteStatic`'s node.
    static func makeInit(
        local: MeshNodeIdentity, remoteTag: TrunkNodeTag, remoteStatic: TrunkX25519PublicKey, keyID: UInt32,
        timestamp: UInt64, offered: TrunkCipherSet, now: UInt64
    ) throws(TrunkError) -> Pending {
        let ephemeral = TrunkX25519PrivateKey.generate()
        var message = TrunkHandshakeInit(
            header: TrunkFrameHeader(type: .handshakeInit, keyID: keyID, sender: local.tag, counter: timestamp),
            responder: remoteTag, offeredCiphers: offered, ephemeralPublicKey: ephemeral.publicKey.rawRepresentation,
            credential: local.encodedCredential, mac: [UInt8](repeating: 0, count: TrunkHandshakeInit.macSize))
        var bytes = try wire { () throws(TrunkWireError) in try message.marshal() }
        let authenticated = Array(bytes.prefix(message.authenticatedSize))
        let secrets = [try ephemeral.sharedSecret(with: remoteStatic), try local.staticKey.sharedSecret(with: remoteStatic)]
        message.mac = try initMAC(secrets: secrets, responderStatic: remoteStatic, authenticated: authenticated)
        bytes = try wire { () throws(TrunkWireError) in try message.marshal() }
        return Pending(keyID: keyID, ephemeral: ephemeral, bytes: bytes, timestamp: timestamp, createdAt: now, lastSentAt: now)
    }

    /// Checks an init's MAC against the initiator's static key (responder side).
    static func verifyInit(
        _ message: TrunkHandshakeInit, bytes: [UInt8], local: MeshNodeIdentity, initiatorStatic: TrunkX25519PublicKey
    ) throws(TrunkError) {
        let ephemeral = try TrunkX25519PublicKey(rawRepresentation: message.ephemeralPublicKey)
        let secrets = [try local.staticKey.sharedSecret(with: ephemeral), try local.staticKey.sharedSecret(with: initiatorStatic)]
        let expected = try initMAC(
            secrets: secrets, responderStatic: local.staticKey.publicKey,
            authenticated: Array(bytes.prefix(message.authenticatedSize)))
        guard TrunkCrypto.constantTimeEquals(expected, message.mac) else { throw .authenticationFailed }
    }

    /// Answers a verified init: the response bytes and the session keys.
    static func respond(
        to message: TrunkHandshakeInit, bytes initBytes: [UInt8], local: MeshNodeIdentity,
        initiatorStatic: TrunkX25519PublicKey, cipher: TrunkCipher
    ) throws(TrunkError) -> (response: [UInt8], keys: TrunkSessionKeys) {
        let initiatorEphemeral = try TrunkX25519PublicKey(rawRepresentation: message.ephemeralPublicKey)
        let ephemeral = TrunkX25519PrivateKey.generate()
        var response = TrunkHandshakeResponse(
            header: TrunkFrameHeader(
                type: .handshakeResponse, keyID: message.header.keyID, sender: local.tag, counter: message.header.counter),
            initiator: message.header.sender, chosenCipher: cipher.wireBit,
            ephemeralPublicKey: ephemeral.publicKey.rawRepresentation,
            confirmation: [UInt8](repeating: 0, count: TrunkCipher.tagByteCount))
        let unsigned = try wire { () throws(TrunkWireError) in try response.marshal() }
        let authenticated = Array(unsigned.prefix(TrunkHandshakeResponse.authenticatedSize))
        let secrets = [
            try ephemeral.sharedSecret(with: initiatorEphemeral),  // ee
            try local.staticKey.sharedSecret(with: initiatorEphemeral),  // es
            try ephemeral.sharedSecret(with: initiatorStatic),  // se
            try local.staticKey.sharedSecret(with: initiatorStatic),  // ss
        ]
        let keys = try TrunkKeySchedule.derive(sharedSecrets: secrets, transcript: initBytes + authenticated)
        let aead = try TrunkAEAD(key: keys.responderToInitiator, cipher: cipher)
        response.confirmation = try aead.seal([], counter: 0, associatedData: authenticated)
        return (try wire { () throws(TrunkWireError) in try response.marshal() }, keys)
    }

    /// Completes the handshake on the initiator side: the session keys, once the confirmation verifies.
    static func complete(
        _ pending: Pending, response: TrunkHandshakeResponse, bytes: [UInt8], local: MeshNodeIdentity,
        remoteStatic: TrunkX25519PublicKey, cipher: TrunkCipher
    ) throws(TrunkError) -> TrunkSessionKeys {
        let responderEphemeral = try TrunkX25519PublicKey(rawRepresentation: response.ephemeralPublicKey)
        let authenticated = Array(bytes.prefix(TrunkHandshakeResponse.authenticatedSize))
        let secrets = [
            try pending.ephemeral.sharedSecret(with: responderEphemeral),  // ee
            try pending.ephemeral.sharedSecret(with: remoteStatic),  // es
            try local.staticKey.sharedSecret(with: responderEphemeral),  // se
            try local.staticKey.sharedSecret(with: remoteStatic),  // ss
        ]
        let keys = try TrunkKeySchedule.derive(sharedSecrets: secrets, transcript: pending.bytes + authenticated)
        let aead = try TrunkAEAD(key: keys.responderToInitiator, cipher: cipher)
        _ = try aead.open(response.confirmation, counter: 0, associatedData: authenticated)
        return keys
    }

    private static func initMAC(secrets: [TrunkSharedSecret], responderStatic: TrunkX25519PublicKey, authenticated: [UInt8])
        throws(TrunkError) -> [UInt8]
    {
        let keys = try TrunkKeySchedule.derive(
            sharedSecrets: secrets, transcript: responderStatic.rawRepresentation + authenticated)
        let aead = try TrunkAEAD(key: keys.initiatorToResponder, cipher: .xchacha20poly1305)
        return try aead.seal([], counter: 0, associatedData: authenticated)
    }

    static func wire<T>(_ body: () throws(TrunkWireError) -> T) throws(TrunkError) -> T {
        do { return try body() } catch { throw .wire(error) }
    }
}
