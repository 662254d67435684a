import LoadPeers
import STUN
import Testing

@Suite("ICE connectivity checks (controlling side)")
struct ICEConnectivityCheckTests {
    let check = ICEConnectivityCheck(
        remoteUfrag: "sfuU", remotePassword: "sfuPasswordSfuPassword12", localUfrag: "peerU", tieBreaker: 0x0102_0304_0506_0708)

    @Test("a check carries USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, a valid MESSAGE-INTEGRITY and FINGERPRINT")
    func requestVerifies() throws {
        let (bytes, transactionID) = try check.request()
        let message = try STUNMessage(parsing: bytes)
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID == transactionID)
        #expect(message.username == "sfuU:peerU")
        #expect(message.priority == 1_862_270_975)  // (110 << 24) | (65535 << 8) | 255: peer-reflexive, RFC 8445 §5.1.2.1
        #expect(message.iceControlling == 0x0102_0304_0506_0708)
        #expect(message.useCandidate)
        // Integrity with the server's password, checked by the STUN module's verifier.
        try STUNMessage.verifyMessageIntegrity(bytes, key: STUNIntegrityKey(shortTermPassword: "sfuPasswordSfuPassword12"))
        try STUNMessage.verifyFingerprint(bytes)
        #expect(throws: STUNError.integrityMismatch) {
            try STUNMessage.verifyMessageIntegrity(bytes, key: STUNIntegrityKey(shortTermPassword: "wrongPasswordWrongPassw"))
        }
        // FINGERPRINT is last: its 8 bytes end the message.
        #expect(Array(bytes[(bytes.count - 8)..<(bytes.count - 4)]) == [0x80, 0x28, 0x00, 0x04])
    }

    @Test("the ICE-lite responder nominates on our check, and we accept its answer")
    func responderRoundTrip() throws {
        var responder = ICELiteResponder<STUNAddress>(
            localUfrag: "sfuU", localPassword: "sfuPasswordSfuPassword12", remoteUfrag: "peerU")
        let source = STUNAddress(ip: .v4(0x7F00_0001), port: 50000)
        let (bytes, transactionID) = try check.request()
        let actions = responder.handle(bytes, from: source, now: .zero)
        #expect(actions.contains(.nominated(source)))
        guard case .send(let response, _)? = actions.first else {
            Issue.record("no response in \(actions)")
            return
        }
        let outcome = response.withUnsafeBytes { check.interpret($0) }
        #expect(outcome == .success(transactionID: transactionID, mappedAddress: source))
        // The same bytes checked with another password are not trusted.
        let stranger = ICEConnectivityCheck(remoteUfrag: "sfuU", remotePassword: "otherPasswordOtherPass12", localUfrag: "peerU")
        #expect(response.withUnsafeBytes { stranger.interpret($0) } == .ignored)
        // Our own request is not a response.
        #expect(bytes.withUnsafeBytes { check.interpret($0) } == .ignored)
    }
}
