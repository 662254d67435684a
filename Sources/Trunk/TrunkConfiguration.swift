/// Timers and budgets of trunk sessions, with documented defaults.
public struct TrunkConfiguration: Sendable, Hashable {
    /// No authenticated packet for this long takes an established peer down
    /// (`.peerDown`) and restarts the handshake. Default 3 s.
    public var peerTimeout: Duration = .seconds(3)
    /// A pending handshake init is re-sent, unchanged, after this long without a response. Default 250 ms.
    public var handshakeRetransmitInterval: Duration = .milliseconds(250)
    /// A pending init older than this is replaced by a fresh one (new
    /// ephemeral key, timestamp and key id); also how long a responder keeps a
    /// session the initiator has not confirmed yet. Default 5 s.
    public var handshakeRenewInterval: Duration = .seconds(5)
    /// The initiator of a session starts a new handshake once the session is
    /// this old (the responder waits `handshakeRenewInterval` longer, so the two
    /// rarely cross). Default 120 s.
    public var rekeyAfterTime: Duration = .seconds(120)
    /// Either side starts a new handshake once it has sealed this many frames under the current key. Default 2³⁰.
    public var rekeyAfterPackets: UInt64 = 1 << 30
    /// Sealing fails (`keyExhausted`) past this many frames under one key; a
    /// hard stop should a re-key never complete. Default 2⁴⁰.
    public var rejectAfterPackets: UInt64 = 1 << 40
    /// After a new session takes over, frames under the previous key are still
    /// accepted for this long (frames in flight, the peer switching later). Default 10 s.
    public var previousKeyGrace: Duration = .seconds(10)
    /// An established peer sends a ping this often (liveness and delay). Default 500 ms.
    public var pingInterval: Duration = .milliseconds(500)
    /// Ciphers offered and accepted, most preferred first. Default: AES-256-GCM
    /// when this CPU has it, then XChaCha20-Poly1305.
    public var ciphers: [TrunkCipher] = TrunkCipher.allCases.filter(\.isAvailable)
    /// Allowance for a credential issued slightly in the future. Default 300 s.
    public var credentialClockSkewSeconds: UInt64 = 300
    /// Whether an endpoint admits a node it was not told about when its init
    /// carries a credential that verifies against the mesh key. Default true.
    public var acceptUnknownNodes = true

    /// The defaults.
    public init() {}

    var peerTimeoutNanoseconds: UInt64 { peerTimeout.clampedNanoseconds }
    var retransmitNanoseconds: UInt64 { handshakeRetransmitInterval.clampedNanoseconds }
    var renewNanoseconds: UInt64 { handshakeRenewInterval.clampedNanoseconds }
    var rekeyNanoseconds: UInt64 { rekeyAfterTime.clampedNanoseconds }
    var graceNanoseconds: UInt64 { previousKeyGrace.clampedNanoseconds }
    var pingNanoseconds: UInt64 { pingInterval.clampedNanoseconds }

    /// The offered set on the wire.
    var offeredCiphers: TrunkCipherSet {
        var set: TrunkCipherSet = []
        for cipher in ciphers where cipher.isAvailable { set.insert(cipher.wireBit) }
        return set
    }

    /// The first of our ciphers that `offer` contains.
    func choose(from offer: TrunkCipherSet) -> TrunkCipher? {
        ciphers.first { $0.isAvailable && offer.contains($0.wireBit) }
    }
}

extension TrunkCipher {
    /// The cipher's bit in handshake messages.
    public var wireBit: TrunkCipherSet {
        switch self {
        case .aes256gcm: .aes256gcm
        case .xchacha20poly1305: .xchacha20poly1305
        }
    }

    /// The cipher a one-bit set names.
    public init?(wireBit: TrunkCipherSet) {
        switch wireBit {
        case .aes256gcm: self = .aes256gcm
        case .xchacha20poly1305: self = .xchacha20poly1305
        default: return nil
        }
    }
}
