// Configuration, state and actions of ICELiteResponder.

extension ICELiteResponder {
    /// Settings of a responder, with documented defaults.
    public struct Configuration: Sendable {
        /// How long after the last valid Binding request on the selected address consent
        /// expires (RFC 7675 §5.1 uses 30 s for the sender's side; a lite agent applies the
        /// same limit to the checks it receives).
        public var consentTimeout: Duration
        /// A SOFTWARE value to put in every response, or nil for none.
        public var software: String?

        /// Settings; every parameter has the documented default.
        public init(consentTimeout: Duration = .seconds(30), software: String? = nil) {
            self.consentTimeout = consentTimeout
            self.software = software
        }
    }

    /// Where the responder is in its life.
    public enum State: Hashable, Sendable {
        /// No valid Binding request yet.
        case new
        /// Valid checks arrived, none with USE-CANDIDATE.
        case checking
        /// The controlling peer nominated this address; media may flow to it.
        case connected(Address)
        /// Consent expired; terminal (the peer must ICE-restart with new credentials).
        case expired
    }

    /// What the caller must do after an event, in order.
    public enum Action: Hashable, Sendable {
        /// Send these bytes (a STUN response) to this address.
        case send([UInt8], to: Address)
        /// The peer nominated this address (USE-CANDIDATE). A nomination of a different
        /// address than the current one means the peer's address changed.
        case nominated(Address)
        /// The datagram was ignored; count it by `reason.label`.
        case drop(DropReason)
        /// No valid check arrived for `consentTimeout`: stop sending to the peer.
        case consentExpired
    }

    /// Why a datagram was dropped without an answer.
    public enum DropReason: Hashable, Sendable {
        /// Not a well-formed STUN message.
        case malformed(STUNError)
        /// A STUN message other than a Binding request (indications, responses, other methods).
        case notBindingRequest
        /// FINGERPRINT present but wrong.
        case badFingerprint
        /// USERNAME missing or not "localUfrag:remoteUfrag".
        case wrongUsername
        /// MESSAGE-INTEGRITY missing or not made with the local password.
        case stunIntegrity
        /// The responder has expired.
        case expired

        /// A short stable name for metrics labels.
        public var label: String {
            switch self {
            case .malformed: "stun_malformed"
            case .notBindingRequest: "stun_not_binding_request"
            case .badFingerprint: "stun_fingerprint"
            case .wrongUsername: "stun_username"
            case .stunIntegrity: "stun_integrity"
            case .expired: "ice_expired"
            }
        }
    }
}
