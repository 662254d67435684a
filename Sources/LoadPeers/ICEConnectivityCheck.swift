import STUN

/// The controlling side of ICE connectivity checks against an ICE-lite
/// server (RFC 8445 §7.2.2 requests, §7.2.5 responses): a full agent that
/// nominates its one pair at once by putting USE-CANDIDATE in every check
/// (aggressive nomination, which a lite peer accepts, RFC 8445 §7.3.1.5).
///
/// A check is a Binding request (RFC 8489 §5):
///
///     USERNAME        = "<server ufrag>:<our ufrag>"   (RFC 8445 §7.2.2)
///     PRIORITY        = peer-reflexive priority of our candidate (§7.1.1)
///     ICE-CONTROLLING = our tiebreaker (§7.1.3)
///     USE-CANDIDATE   (§7.1.2)
///     MESSAGE-INTEGRITY with the server's ice-pwd (RFC 8489 §14.5)
///     FINGERPRINT     (RFC 8489 §14.7)
///
/// The same request, repeated, refreshes consent (RFC 7675 §5.1).
public struct ICEConnectivityCheck: Sendable {
    /// The server's ufrag (first half of USERNAME).
    public let remoteUfrag: String
    /// Our ufrag (second half of USERNAME).
    public let localUfrag: String
    /// Our tiebreaker for ICE-CONTROLLING.
    public let tieBreaker: UInt64
    /// PRIORITY: what a peer-reflexive candidate of ours would get (RFC 8445
    /// §5.1.2.1: type preference 110, local preference 65535, component 1).
    public let priority: UInt32
    private let key: STUNIntegrityKey
    /// Our password, for answering the peer's checks (a full peer such as Janus checks us too).
    private let localKey: STUNIntegrityKey?

    /// Checks towards a server with credentials `remoteUfrag`/`remotePassword` from `localUfrag`.
    public init(
        remoteUfrag: String, remotePassword: String, localUfrag: String, localPassword: String? = nil,
        tieBreaker: UInt64 = .random(in: 0...UInt64.max)
    ) {
        self.localKey = localPassword.map { STUNIntegrityKey(shortTermPassword: $0) }
        self.remoteUfrag = remoteUfrag
        self.localUfrag = localUfrag
        self.tieBreaker = tieBreaker
        self.priority = (110 << 24) | (65535 << 8) | (256 - 1)
        self.key = STUNIntegrityKey(shortTermPassword: remotePassword)
    }

    /// The USERNAME of our checks.
    public var username: String { ICEUsername(localUfrag: remoteUfrag, remoteUfrag: localUfrag).description }

    /// A nominating Binding request with a fresh transaction ID.
    public func request(transactionID: STUNTransactionID = .random()) throws(LoadPeersError) -> (bytes: [UInt8], transactionID: STUNTransactionID) {
        let message = STUNMessage(type: .bindingRequest, transactionID: transactionID, attributes: [
            .username(username),
            .priority(priority),
            .iceControlling(tieBreaker: tieBreaker),
            .useCandidate,
        ])
        do {
            return (try message.encoded(integrity: key, fingerprint: true), transactionID)
        } catch {
            throw .transport("binding request: \(error)")
        }
    }

    /// What a received STUN datagram means for an outstanding check.
    public enum ResponseOutcome: Sendable, Equatable {
        /// A success response to one of our requests, authenticated with the server's password.
        case success(transactionID: STUNTransactionID, mappedAddress: STUNAddress?)
        /// An error response (e.g. 487 role conflict), authenticated.
        case error(transactionID: STUNTransactionID, code: Int)
        /// Not a response we can trust (malformed, wrong integrity, or a request).
        case ignored
    }

    /// Classifies a STUN datagram from the server (RFC 8445 §7.2.5.1:
    /// responses must carry MESSAGE-INTEGRITY made with the server's password).
    public func interpret(_ bytes: UnsafeRawBufferPointer) -> ResponseOutcome {
        guard let message = try? STUNMessage(parsing: bytes) else { return .ignored }
        guard message.type == .bindingSuccess || message.type == .bindingError else { return .ignored }
        if message.fingerprint != nil {
            guard (try? STUNMessage.verifyFingerprint(bytes)) != nil else { return .ignored }
        }
        guard (try? STUNMessage.verifyMessageIntegrity(bytes, key: key)) != nil else { return .ignored }
        if message.type == .bindingError {
            let code = message.errorCode.map { Int($0.code) } ?? 0
            return .error(transactionID: message.transactionID, code: code)
        }
        return .success(transactionID: message.transactionID, mappedAddress: message.xorMappedAddress)
    }

    /// The success response to a check the peer sent us (RFC 8445 §7.3.1:
    /// USERNAME "<our ufrag>:<peer ufrag>", MESSAGE-INTEGRITY with our
    /// password), or nil for anything else. A full peer (libnice in Janus,
    /// even in its lite mode) validates the pair with its own check before
    /// it accepts our nomination. Roles are not enforced: we answer whatever
    /// role attribute the request carries, since we keep nominating.
    public func response(to bytes: UnsafeRawBufferPointer, from source: STUNAddress) -> [UInt8]? {
        guard let localKey, let request = try? STUNMessage(parsing: bytes), request.type == .bindingRequest else { return nil }
        if request.fingerprint != nil {
            guard (try? STUNMessage.verifyFingerprint(bytes)) != nil else { return nil }
        }
        guard let username = request.username.flatMap(ICEUsername.init), username.localUfrag == localUfrag,
              (try? STUNMessage.verifyMessageIntegrity(bytes, key: localKey)) != nil
        else { return nil }
        let response = STUNMessage(type: .bindingSuccess, transactionID: request.transactionID, attributes: [.xorMappedAddress(source)])
        return try? response.encoded(integrity: localKey, fingerprint: true)
    }
}
