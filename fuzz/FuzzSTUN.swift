// fuzz-modules: STUN
// Parses arbitrary bytes as STUN, writes the result back, parses again and checks
// the round trip; exercises integrity/fingerprint verification, the ICE USERNAME peek,
// and an ICE-lite responder fed the raw bytes and an authenticated variant of them
// (so the fuzzer reaches the success, nomination, role-conflict and 420 paths).

private let fuzzPassword = "fuzzPassword"
private let fuzzKey = STUNIntegrityKey(shortTermPassword: fuzzPassword)
private let sourceA = STUNAddress(ip: .v6(high: 0x2001_0db8_0000_0000, low: 1), port: 4242)
private let sourceB = STUNAddress(ip: .v4(0xC000_0201), port: 5353)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)

    _ = STUNMessage.isSTUN(bytes)
    _ = ICEUsername(peekingRequest: bytes)
    _ = try? STUNMessage.verifyMessageIntegrity(bytes, key: fuzzKey)
    _ = try? STUNMessage.verifyFingerprint(bytes)

    var responder = ICELiteResponder<Int>(localUfrag: "fuzz", localPassword: fuzzPassword, remoteUfrag: nil)
    checkActions(responder.handle(bytes, from: 1, sourceAddress: sourceA, now: .seconds(1)))

    guard let message = try? STUNMessage(parsing: bytes) else { return 0 }

    // Verbatim round trip: parse → write → parse gives the same message and stable bytes.
    guard let written = try? message.encoded() else { fatalError("parsed message did not write: \(message)") }
    guard let reparsed = try? STUNMessage(parsing: written) else { fatalError("written message did not parse") }
    guard reparsed == message else { fatalError("round trip changed the message:\n\(message)\n\(reparsed)") }
    guard (try? reparsed.encoded()) == written else { fatalError("second write differs") }
    guard (try? message.encodedSize()) == written.count else { fatalError("encodedSize differs from written size") }

    // Re-signed round trip: fresh MESSAGE-INTEGRITY and FINGERPRINT must verify.
    guard let signed = try? message.encoded(integrity: fuzzKey, fingerprint: true, paddingByte: 0xA5) else { return 0 }
    do {
        try STUNMessage.verifyMessageIntegrity(signed, key: fuzzKey)
        try STUNMessage.verifyFingerprint(signed)
    } catch {
        fatalError("re-signed message failed verification: \(error)")
    }

    // An authenticated variant: USERNAME naming the responder, re-signed with its password.
    var variant = message
    variant.attributes.removeAll { if case .username = $0 { true } else { false } }
    variant.attributes.insert(.username("fuzz:peer"), at: 0)
    guard let authenticated = try? variant.encoded(integrity: fuzzKey, fingerprint: true) else { return 0 }
    checkActions(responder.handle(authenticated, from: 1, sourceAddress: sourceA, now: .seconds(2)))
    checkActions(responder.handle(authenticated, from: 2, sourceAddress: sourceB, now: .seconds(3)))
    if variant.type == .bindingRequest, variant.iceControlled == nil, variant.unknownComprehensionRequiredTypes.isEmpty {
        guard responder.state != .new else { fatalError("authenticated Binding request was not accepted") }
        if variant.useCandidate, responder.state != .connected(2) { fatalError("nomination did not move to address 2") }
    }
    _ = responder.tick(now: .seconds(32))
    _ = responder.tick(now: .seconds(34))
    guard responder.consentDeadline == nil else { fatalError("consent deadline survived expiry window") }
    return 0
}

/// Every response the responder sends must itself be a valid, verifiable STUN response.
private func checkActions(_ actions: [ICELiteResponder<Int>.Action]) {
    for case .send(let response, _) in actions {
        guard let parsed = try? STUNMessage(parsing: response),
              parsed.type.messageClass == .successResponse || parsed.type.messageClass == .errorResponse,
              (try? STUNMessage.verifyMessageIntegrity(response, key: fuzzKey)) != nil,
              (try? STUNMessage.verifyFingerprint(response)) != nil
        else { fatalError("responder sent an invalid response") }
    }
}
