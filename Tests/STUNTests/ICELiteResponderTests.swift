import Testing
@testable import STUN

/// The ICE-lite responder with a manual clock (times are plain `Duration`s).
@Suite("ICE-lite responder")
struct ICELiteResponderTests {
    typealias Responder = ICELiteResponder<STUNAddress>

    static let localUfrag = "sfuU"
    static let localPassword = "sfuPasswordSfuPasswordXX"
    static let remoteUfrag = "brws"
    static let peerA = STUNAddress("192.0.2.10:50000")!
    static let peerB = STUNAddress("[2001:db8::7]:50001")!

    static func makeResponder(remoteUfrag: String? = remoteUfrag, software: String? = nil) -> Responder {
        Responder(localUfrag: localUfrag, localPassword: localPassword, remoteUfrag: remoteUfrag,
                  configuration: .init(consentTimeout: .seconds(30), software: software))
    }

    /// A Binding request as a controlling browser sends it.
    static func check(
        username: String = "\(localUfrag):\(remoteUfrag)",
        password: String = localPassword,
        useCandidate: Bool = false,
        role: STUNAttribute = .iceControlling(tieBreaker: 0x1122_3344_5566_7788),
        extra: [STUNAttribute] = [],
        transactionID: STUNTransactionID = .random()
    ) -> [UInt8] {
        var attributes: [STUNAttribute] = [.username(username), .priority(0x6E00_1EFF), role]
        if useCandidate { attributes.append(.useCandidate) }
        attributes += extra
        let message = STUNMessage(type: .bindingRequest, transactionID: transactionID, attributes: attributes)
        return (try? message.encoded(integrity: STUNIntegrityKey(shortTermPassword: password), fingerprint: true)) ?? []
    }

    /// The single `.send` in `actions`, parsed, after checking its integrity and fingerprint.
    static func sentResponse(_ actions: [Responder.Action], to expected: STUNAddress) throws -> STUNMessage {
        let sends = actions.compactMap { action -> ([UInt8], STUNAddress)? in
            if case .send(let bytes, let address) = action { return (bytes, address) }
            return nil
        }
        let (bytes, address) = try #require(sends.count == 1 ? sends[0] : nil)
        #expect(address == expected)
        try STUNMessage.verifyMessageIntegrity(bytes, key: STUNIntegrityKey(shortTermPassword: localPassword))
        try STUNMessage.verifyFingerprint(bytes)
        return try STUNMessage(parsing: bytes)
    }

    @Test func firstCheckIsAnsweredAndStartsChecking() throws {
        var responder = Self.makeResponder()
        #expect(responder.state == .new)
        let id = STUNTransactionID.random()
        let actions = responder.handle(Self.check(transactionID: id), from: Self.peerA, now: .seconds(1))
        #expect(actions.count == 1)
        let response = try Self.sentResponse(actions, to: Self.peerA)
        #expect(response.type == .bindingSuccess)
        #expect(response.transactionID == id)
        #expect(response.xorMappedAddress == Self.peerA)
        #expect(response.software == nil)
        #expect(responder.state == .checking)
        #expect(responder.consentDeadline == nil)
    }

    @Test func nominationConnectsOnce() throws {
        var responder = Self.makeResponder()
        let first = responder.handle(Self.check(useCandidate: true), from: Self.peerA, now: .seconds(2))
        #expect(first.count == 2)
        #expect(first.last == .nominated(Self.peerA))
        _ = try Self.sentResponse(first, to: Self.peerA)
        #expect(responder.state == .connected(Self.peerA))
        #expect(responder.consentDeadline == .seconds(32))
        // Repeated USE-CANDIDATE on the same address (consent checks) is no new nomination.
        let again = responder.handle(Self.check(useCandidate: true), from: Self.peerA, now: .seconds(5))
        #expect(again.count == 1)
        _ = try Self.sentResponse(again, to: Self.peerA)
        #expect(responder.consentDeadline == .seconds(35))
    }

    @Test func consentExpiresExactlyAtTheBoundary() {
        var responder = Self.makeResponder()
        _ = responder.handle(Self.check(useCandidate: true), from: Self.peerA, now: .seconds(10))
        #expect(responder.tick(now: .seconds(39) + .milliseconds(999)).isEmpty)
        #expect(responder.state == .connected(Self.peerA))
        #expect(responder.tick(now: .seconds(40)) == [.consentExpired])
        #expect(responder.state == .expired)
        #expect(responder.consentDeadline == nil)
        #expect(responder.tick(now: .seconds(100)).isEmpty)  // reported once
        #expect(responder.handle(Self.check(useCandidate: true), from: Self.peerA, now: .seconds(41)) == [.drop(.expired)])
    }

    @Test func noExpiryBeforeConnecting() {
        var responder = Self.makeResponder()
        #expect(responder.tick(now: .seconds(1000)).isEmpty)
        _ = responder.handle(Self.check(), from: Self.peerA, now: .seconds(1))
        #expect(responder.tick(now: .seconds(1000)).isEmpty)
        #expect(responder.state == .checking)
    }

    @Test func checksFromTheSelectedAddressRefreshConsent() {
        var responder = Self.makeResponder()
        _ = responder.handle(Self.check(useCandidate: true), from: Self.peerA, now: .seconds(0))
        _ = responder.handle(Self.check(), from: Self.peerA, now: .seconds(25))
        // A check from another address (not nominated) is answered but does not refresh consent.
        let other = responder.handle(Self.check(), from: Self.peerB, now: .seconds(50))
        #expect(other.count == 1)
        #expect(responder.consentDeadline == .seconds(55))
        #expect(responder.tick(now: .seconds(54)).isEmpty)
        #expect(responder.tick(now: .seconds(55)) == [.consentExpired])
    }

    @Test func laterNominationOnAnotherAddressIsAnAddressChange() throws {
        var responder = Self.makeResponder()
        _ = responder.handle(Self.check(useCandidate: true), from: Self.peerA, now: .seconds(1))
        let actions = responder.handle(Self.check(useCandidate: true), from: Self.peerB, now: .seconds(20))
        #expect(actions.last == .nominated(Self.peerB))
        #expect(try Self.sentResponse(actions, to: Self.peerB).xorMappedAddress == Self.peerB)
        #expect(responder.state == .connected(Self.peerB))
        #expect(responder.consentDeadline == .seconds(50))
        // Checks from the old address no longer refresh consent.
        _ = responder.handle(Self.check(), from: Self.peerA, now: .seconds(45))
        #expect(responder.tick(now: .seconds(50)) == [.consentExpired])
    }

    @Test func wrongPasswordIsDropped() {
        var responder = Self.makeResponder()
        let actions = responder.handle(Self.check(password: "notTheSfuPassword", useCandidate: true), from: Self.peerA, now: .zero)
        #expect(actions == [.drop(.stunIntegrity)])
        #expect(responder.state == .new)
    }

    @Test func missingIntegrityIsDropped() throws {
        var responder = Self.makeResponder()
        let bytes = try STUNMessage(type: .bindingRequest, transactionID: .random(),
                                    attributes: [.username("\(Self.localUfrag):\(Self.remoteUfrag)"), .useCandidate])
            .encoded(fingerprint: true)
        #expect(responder.handle(bytes, from: Self.peerA, now: .zero) == [.drop(.stunIntegrity)])
    }

    @Test(arguments: [
        "wrong:\(remoteUfrag)",      // not our ufrag
        "\(localUfrag):wrong",       // not the peer's ufrag
        "\(localUfrag)",             // no colon
        "\(remoteUfrag):\(localUfrag)",  // reversed
        "\(localUfrag)x:\(remoteUfrag)",
    ])
    func wrongUfragIsDropped(username: String) {
        var responder = Self.makeResponder()
        let actions = responder.handle(Self.check(username: username, useCandidate: true), from: Self.peerA, now: .zero)
        #expect(actions == [.drop(.wrongUsername)])
        #expect(responder.state == .new)
    }

    @Test func unknownRemoteUfragAcceptsAnyUntilSet() {
        var responder = Self.makeResponder(remoteUfrag: nil)
        #expect(responder.handle(Self.check(username: "\(Self.localUfrag):early"), from: Self.peerA, now: .zero).count == 1)
        #expect(responder.state == .checking)
        responder.setRemoteCredentials(ufrag: Self.remoteUfrag, password: "peerPassword")
        #expect(responder.remotePassword == "peerPassword")
        #expect(responder.handle(Self.check(username: "\(Self.localUfrag):early"), from: Self.peerA, now: .zero)
            == [.drop(.wrongUsername)])
        #expect(responder.handle(Self.check(), from: Self.peerA, now: .zero).count == 1)
    }

    @Test func roleConflictWhenPeerClaimsControlled() throws {
        var responder = Self.makeResponder()
        let id = STUNTransactionID.random()
        let actions = responder.handle(
            Self.check(useCandidate: true, role: .iceControlled(tieBreaker: 42), transactionID: id), from: Self.peerA, now: .zero)
        let response = try Self.sentResponse(actions, to: Self.peerA)
        #expect(actions.count == 1)  // no nomination
        #expect(response.type == .bindingError)
        #expect(response.transactionID == id)
        #expect(response.errorCode?.code == 487)
        #expect(response.xorMappedAddress == nil)
        #expect(responder.state == .new)
    }

    /// RFC 5769 §2.1 is a check from a controlled agent: a lite responder owning "evtj" answers 487.
    @Test func rfc5769RequestGetsRoleConflict() throws {
        var responder = ICELiteResponder<Int>(localUfrag: "evtj", localPassword: "VOkJxbRl1RmTxUk/WvJxBt", remoteUfrag: "h6vY")
        let actions = responder.handle(RFC5769Tests.request, from: 7, sourceAddress: Self.peerA, now: .zero)
        guard case .send(let bytes, to: 7)? = actions.first, actions.count == 1 else {
            Issue.record("expected one send, got \(actions)")
            return
        }
        let response = try STUNMessage(parsing: bytes)
        #expect(response.errorCode == .roleConflict)
        #expect(response.transactionID == rfc5769TransactionID)
        try STUNMessage.verifyMessageIntegrity(bytes, key: RFC5769Tests.key)
    }

    @Test func notBindingRequestsAreDropped() throws {
        var responder = Self.makeResponder()
        let indication = try STUNMessage(type: .bindingIndication, transactionID: .random()).encoded(fingerprint: true)
        #expect(responder.handle(indication, from: Self.peerA, now: .zero) == [.drop(.notBindingRequest)])
        #expect(responder.handle(RFC5769Tests.ipv4Response, from: Self.peerA, now: .zero) == [.drop(.notBindingRequest)])
        let allocate = STUNMessageType(method: STUNMethod(rawValue: 0x003)!, messageClass: .request)
        let turn = try STUNMessage(type: allocate, transactionID: .random()).encoded()
        #expect(responder.handle(turn, from: Self.peerA, now: .zero) == [.drop(.notBindingRequest)])
    }

    @Test func malformedIsDropped() {
        var responder = Self.makeResponder()
        let truncated = Array(Self.check().dropLast(4))
        let actions = responder.handle(truncated, from: Self.peerA, now: .zero)
        guard case .drop(.malformed(.lengthMismatch))? = actions.first else {
            Issue.record("expected malformed drop, got \(actions)")
            return
        }
        #expect(actions.first.map { if case .drop(let reason) = $0 { reason.label } else { "" } } == "stun_malformed")
    }

    @Test func badFingerprintIsDropped() {
        var responder = Self.makeResponder()
        var bytes = Self.check(useCandidate: true)
        bytes[bytes.count - 1] ^= 1
        #expect(responder.handle(bytes, from: Self.peerA, now: .zero) == [.drop(.badFingerprint)])
    }

    @Test func unknownComprehensionRequiredAttributeGets420() throws {
        var responder = Self.makeResponder()
        let actions = responder.handle(
            Self.check(useCandidate: true, extra: [.other(type: .init(rawValue: 0x0031), value: [1])]), from: Self.peerA, now: .zero)
        let response = try Self.sentResponse(actions, to: Self.peerA)
        #expect(response.errorCode?.code == 420)
        #expect(response.attributes.contains(.unknownAttributes([.init(rawValue: 0x0031)])))
        #expect(responder.state == .new)
        // Unknown comprehension-optional attributes (e.g. Chrome's GOOG-NETWORK-INFO) are fine.
        let fine = responder.handle(
            Self.check(useCandidate: true, extra: [.other(type: .init(rawValue: 0xC057), value: [0, 1, 0, 5])]), from: Self.peerA, now: .zero)
        #expect(fine.last == .nominated(Self.peerA))
    }

    @Test func softwareIsAdvertisedWhenConfigured() throws {
        var responder = Self.makeResponder(software: "edgemesh")
        let response = try Self.sentResponse(responder.handle(Self.check(), from: Self.peerA, now: .zero), to: Self.peerA)
        #expect(response.software == "edgemesh")
    }

    @Test func dropLabelsAreDistinct() {
        let reasons: [Responder.DropReason] = [
            .malformed(.integrityMismatch), .notBindingRequest, .badFingerprint, .wrongUsername, .stunIntegrity, .expired,
        ]
        #expect(Set(reasons.map(\.label)).count == reasons.count)
        #expect(Responder.DropReason.stunIntegrity.label == "stun_integrity")
    }
}
