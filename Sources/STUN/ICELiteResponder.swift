/// The ICE-lite side of connectivity checks for one peer (RFC 8445 §2.5, §7.3;
/// consent freshness after RFC 7675).
///
/// A pure state machine: feed it datagrams that are STUN (``STUNMessage/isSTUN(firstByte:)``)
/// and clock ticks, carry out the returned ``Action``s. It never sends requests: a lite
/// agent only answers, is always controlled, and takes the peer's USE-CANDIDATE as the
/// nomination.
///
/// Decisions:
/// - Requests that fail authentication (missing or wrong USERNAME or MESSAGE-INTEGRITY)
///   are dropped silently rather than answered with 400/401, so unauthenticated senders
///   get nothing back (no reflection, no oracle). Browsers retransmit and then give up.
/// - FINGERPRINT is checked when present and not required (RFC 8445 requires senders to
///   add it; being lenient costs nothing because integrity is required).
/// - A peer claiming ICE-CONTROLLED gets 487 Role Conflict: a lite agent is always
///   controlled (RFC 8445 §6.1.1, §7.3.1.1) and cannot switch.
/// - Unknown comprehension-required attributes get 420 with UNKNOWN-ATTRIBUTES (RFC 8489 §6.3.1).
/// - Consent: after nomination, each valid request from the selected address refreshes
///   consent; `tick` reports ``Action/consentExpired`` once `now - lastRefresh >=
///   consentTimeout` (exactly at the boundary counts as expired). Expiry is terminal.
/// - Time is a `Duration` since any fixed origin of a monotonic clock, chosen by the caller.
public struct ICELiteResponder<Address: Hashable & Sendable>: Sendable {
    /// Our ufrag (first half of the USERNAME in checks we receive).
    public let localUfrag: String
    /// The peer's ufrag; nil accepts any until ``setRemoteCredentials(ufrag:password:)``
    /// (checks can arrive before the peer's answer is processed).
    public private(set) var remoteUfrag: String?
    /// The peer's password. A lite agent never sends checks, so it is not used to verify
    /// anything; it is kept so a transport holds the peer's credentials in one place.
    public private(set) var remotePassword: String?
    /// Settings.
    public let configuration: Configuration
    /// The current state.
    public private(set) var state: State = .new

    private let localKey: STUNIntegrityKey
    private var lastConsent: Duration = .zero

    /// A responder for one peer.
    ///
    /// - Parameters:
    ///   - localUfrag: our ICE ufrag (from our SDP).
    ///   - localPassword: our ICE password; checks must carry MESSAGE-INTEGRITY made with it.
    ///   - remoteUfrag: the peer's ufrag, or nil to accept any until it is known.
    ///   - remotePassword: the peer's password, if known (stored only).
    public init(
        localUfrag: String,
        localPassword: String,
        remoteUfrag: String?,
        remotePassword: String? = nil,
        configuration: Configuration = Configuration()
    ) {
        self.localUfrag = localUfrag
        self.remoteUfrag = remoteUfrag
        self.remotePassword = remotePassword
        self.configuration = configuration
        localKey = STUNIntegrityKey(shortTermPassword: localPassword)
    }

    /// Sets the peer's credentials once its SDP arrives.
    public mutating func setRemoteCredentials(ufrag: String, password: String?) {
        remoteUfrag = ufrag
        remotePassword = password
    }

    /// When ``tick(now:)`` must next be called to notice consent expiry, or nil if no timer runs.
    public var consentDeadline: Duration? {
        guard case .connected = state else { return nil }
        return lastConsent + configuration.consentTimeout
    }

    /// Handles one STUN datagram from `source`.
    ///
    /// - Parameters:
    ///   - bytes: the datagram.
    ///   - source: the sender, in the caller's address type.
    ///   - sourceAddress: the same sender as a ``STUNAddress``, echoed in XOR-MAPPED-ADDRESS.
    ///   - now: monotonic time since the caller's origin.
    public mutating func handle(
        _ bytes: UnsafeRawBufferPointer, from source: Address, sourceAddress: STUNAddress, now: Duration
    ) -> [Action] {
        guard state != .expired else { return [.drop(.expired)] }
        let request: STUNMessage
        do {
            request = try STUNMessage(parsing: bytes)
        } catch {
            return [.drop(.malformed(error))]
        }
        guard request.type == .bindingRequest else { return [.drop(.notBindingRequest)] }
        if request.fingerprint != nil {
            do { try STUNMessage.verifyFingerprint(bytes) } catch { return [.drop(.badFingerprint)] }
        }
        guard let username = request.username.flatMap(ICEUsername.init), isExpected(username) else {
            return [.drop(.wrongUsername)]
        }
        do { try STUNMessage.verifyMessageIntegrity(bytes, key: localKey) } catch { return [.drop(.stunIntegrity)] }

        if request.iceControlled != nil {
            return respond(to: request, with: [.errorCode(.roleConflict)], type: .bindingError, to: source)
        }
        let unknown = request.unknownComprehensionRequiredTypes
        if !unknown.isEmpty {
            let attributes: [STUNAttribute] = [.errorCode(.unknownAttribute), .unknownAttributes(unknown)]
            return respond(to: request, with: attributes, type: .bindingError, to: source)
        }

        var actions = respond(to: request, with: [.xorMappedAddress(sourceAddress)], type: .bindingSuccess, to: source)
        switch state {
        case .new:
            state = .checking
        case .connected(let selected) where selected == source:
            lastConsent = now
        case .checking, .connected, .expired:
            break
        }
        if request.useCandidate, state != .connected(source) {
            state = .connected(source)
            lastConsent = now
            actions.append(.nominated(source))
        }
        return actions
    }

    /// Handles one STUN datagram from `source`; see ``handle(_:from:sourceAddress:now:)-(UnsafeRawBufferPointer,_,_,_)``.
    public mutating func handle(_ bytes: [UInt8], from source: Address, sourceAddress: STUNAddress, now: Duration) -> [Action] {
        bytes.withUnsafeBytes { handle($0, from: source, sourceAddress: sourceAddress, now: now) }
    }

    /// Advances the clock; returns ``Action/consentExpired`` once when consent runs out.
    public mutating func tick(now: Duration) -> [Action] {
        guard let deadline = consentDeadline, now >= deadline else { return [] }
        state = .expired
        return [.consentExpired]
    }

    private func isExpected(_ username: ICEUsername) -> Bool {
        guard username.localUfrag.utf8.elementsEqual(localUfrag.utf8) else { return false }
        guard let remote = remoteUfrag else { return true }
        return username.remoteUfrag.utf8.elementsEqual(remote.utf8)
    }

    /// A response to `request` carrying `attributes` (+ SOFTWARE), MESSAGE-INTEGRITY with
    /// the local password (RFC 8445 §7.3.1.4) and FINGERPRINT.
    private func respond(
        to request: STUNMessage, with attributes: [STUNAttribute], type: STUNMessageType, to source: Address
    ) -> [Action] {
        var response = STUNMessage(type: type, transactionID: request.transactionID, attributes: attributes)
        if let software = configuration.software { response.attributes.append(.software(software)) }
        do {
            return [.send(try response.encoded(integrity: localKey, fingerprint: true), to: source)]
        } catch {
            return [.drop(.malformed(error))]
        }
    }
}

extension ICELiteResponder where Address == STUNAddress {
    /// Handles one STUN datagram when the caller's address type is ``STUNAddress``.
    public mutating func handle(_ bytes: [UInt8], from source: STUNAddress, now: Duration) -> [Action] {
        handle(bytes, from: source, sourceAddress: source, now: now)
    }

    /// Handles one STUN datagram when the caller's address type is ``STUNAddress``.
    public mutating func handle(_ bytes: UnsafeRawBufferPointer, from source: STUNAddress, now: Duration) -> [Action] {
        handle(bytes, from: source, sourceAddress: source, now: now)
    }
}
