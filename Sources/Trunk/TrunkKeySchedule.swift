import CSodium

/// Which end of a trunk handshake a node is.
public enum TrunkRole: String, Sendable, Hashable {
    /// The node that sent the first handshake message.
    case initiator
    /// The node that answered it.
    case responder
}

/// The two directional keys of one trunk session.
public struct TrunkSessionKeys: Sendable, Equatable {
    /// Seals frames from the initiator to the responder.
    public let initiatorToResponder: TrunkSymmetricKey
    /// Seals frames from the responder to the initiator.
    public let responderToInitiator: TrunkSymmetricKey

    /// The key `role` seals its outgoing frames with.
    public func sendingKey(for role: TrunkRole) -> TrunkSymmetricKey {
        role == .initiator ? initiatorToResponder : responderToInitiator
    }

    /// The key `role` opens its incoming frames with.
    public func receivingKey(for role: TrunkRole) -> TrunkSymmetricKey {
        role == .initiator ? responderToInitiator : initiatorToResponder
    }
}

/// Derives per-direction session keys from X25519 shared secrets and the
/// handshake transcript, HKDF-style (RFC 5869 extract-then-expand) with keyed
/// BLAKE2b-256 (`crypto_generichash`, RFC 7693) in place of HMAC:
///
/// ```
/// L      = "EdgeMesh trunk v1"                                   (protocolLabel)
/// th     = BLAKE2b-256(L || " transcript" || transcript)
/// prk    = BLAKE2b-256(key: th,  L || " extract" || n || ss_1 || … || ss_n)     n: 1 byte
/// k_i2r  = BLAKE2b-256(key: prk, L || " initiator->responder" || 0x01)
/// k_r2i  = BLAKE2b-256(key: prk, L || " responder->initiator" || 0x02)
/// ```
///
/// The trunk handshake (Noise KK in spirit, `TrunkHandshakeCrypto`,
/// docs/trunk-protocol.md §4) passes `[DH(e_i,e_r), DH(e_i,s_r), DH(s_i,e_r),
/// DH(s_i,s_r)]` — ephemeral-ephemeral for forward secrecy, the mixed and
/// static-static terms to bind both nodes' credentialed identities — in that
/// order on both sides, and as `transcript` the exact handshake bytes both
/// sides saw (the init with the initiator's credential and ephemeral key and
/// the cipher offer, the response with the responder's ephemeral key and the
/// cipher choice), so any tampering yields different keys and the
/// confirmation fails to open. Distinct labels keep the two directions'
/// keys independent, so each direction may start its counter at zero.
public enum TrunkKeySchedule {
    /// Domain-separation label; a new version of the construction changes it.
    public static let protocolLabel = "EdgeMesh trunk v1"
    private static let hashByteCount = 32

    /// Derives the session keys. Both sides must pass the same secrets in the same
    /// order and byte-identical transcripts.
    /// - Throws: `TrunkError.noSharedSecrets` for an empty list, `.invalidLength`
    ///   for more than 255 secrets.
    public static func derive(sharedSecrets: [TrunkSharedSecret], transcript: [UInt8]) throws(TrunkError)
        -> TrunkSessionKeys
    {
        guard !sharedSecrets.isEmpty else { throw .noSharedSecrets }
        guard sharedSecrets.count <= Int(UInt8.max) else {
            throw .invalidLength(what: "shared secret list", expected: Int(UInt8.max), actual: sharedSecrets.count)
        }
        TrunkCrypto.ensureInitialized()
        let label = Array(protocolLabel.utf8)
        let transcriptHash = SecureBytes(count: hashByteCount)
        hash(into: transcriptHash, key: nil, message: label + Array(" transcript".utf8) + transcript)

        var ikm = label + Array(" extract".utf8) + [UInt8(sharedSecrets.count)]
        for secret in sharedSecrets { ikm += secret.storage.copyBytes() }
        let prk = SecureBytes(count: hashByteCount)
        hash(into: prk, key: transcriptHash, message: ikm)
        wipe(&ikm)

        let i2r = SecureBytes(count: TrunkSymmetricKey.byteCount)
        hash(into: i2r, key: prk, message: label + Array(" initiator->responder".utf8) + [0x01])
        let r2i = SecureBytes(count: TrunkSymmetricKey.byteCount)
        hash(into: r2i, key: prk, message: label + Array(" responder->initiator".utf8) + [0x02])
        return TrunkSessionKeys(
            initiatorToResponder: TrunkSymmetricKey(storage: i2r),
            responderToInitiator: TrunkSymmetricKey(storage: r2i))
    }

    /// BLAKE2b with a 32-byte output into `out`, keyed when `key` is given.
    private static func hash(into out: SecureBytes, key: SecureBytes?, message: [UInt8]) {
        message.withUnsafeBufferPointer { m in
            out.withMutableBytePointer { o in
                if let key {
                    key.withBytePointer { k in
                        _ = crypto_generichash(o, out.count, m.baseAddress, UInt64(m.count), k, key.count)
                    }
                } else {
                    _ = crypto_generichash(o, out.count, m.baseAddress, UInt64(m.count), nil, 0)
                }
            }
        }
    }

    private static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { sodium_memzero(base, raw.count) }
        }
    }
}
