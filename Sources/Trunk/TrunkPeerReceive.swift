import TrunkWire

extension TrunkPeer {
    /// Processes one datagram from the remote node.
    public mutating func receive(_ datagram: [UInt8], now: TrunkTime) -> [TrunkAction] {
        datagram.withUnsafeBytes { receive($0, now: now) }
    }

    /// Processes one datagram from the remote node (the bytes are only read during the call).
    public mutating func receive(_ datagram: UnsafeRawBufferPointer, now: TrunkTime) -> [TrunkAction] {
        let header: TrunkFrameHeader
        do {
            header = try TrunkFrameHeader(parsing: datagram)
        } catch {
            return dropped(.malformed, .wire(error))
        }
        guard header.sender == remoteTag else { return dropped(.unknownNode, .senderMismatch) }
        switch header.type {
        case .handshakeInit: return receiveInit(datagram, now: now)
        case .handshakeResponse: return receiveResponse(datagram, now: now)
        case .data, .control: return receiveSealed(header, datagram, now: now)
        }
    }

    // MARK: Handshake

    mutating func receiveInit(_ datagram: UnsafeRawBufferPointer, now: TrunkTime) -> [TrunkAction] {
        let message: TrunkHandshakeInit
        do { message = try TrunkHandshakeInit(parsing: datagram) } catch { return dropped(.malformed, .wire(error)) }
        guard message.responder == local.tag else { return dropped(.unknownNode, .misdirected) }
        let bytes = Array(datagram)
        // A retransmission of the init we answered last: the response was lost.
        if let answered, answered.initBytes == bytes { return [.send(answered.response)] }
        guard message.header.counter > lastInitTimestampSeen else { return dropped(.replay, .staleHandshake) }

        // The initiator's credential: the one we know, or a newer one it brought.
        var credential = remote
        var initiatorStatic = remoteStatic
        if message.credential != (try? remote.marshal()) {
            do {
                credential = try MeshCredential.decode(message.credential)
                try credential.verifySignature(meshKey: local.meshKey)
                initiatorStatic = try credential.staticKey()
            } catch {
                let (reason, cause) = error.drop
                return dropped(reason, cause)
            }
            guard credential.nodeTag == remoteTag, credential.nodeID == remote.nodeID else {
                return dropped(.unknownNode, .senderMismatch)
            }
        }
        do {
            try credential.verifyValidity(
                nowUnixSeconds: now.unixSeconds, clockSkewSeconds: configuration.credentialClockSkewSeconds)
            try TrunkHandshakeCrypto.verifyInit(message, bytes: bytes, local: local, initiatorStatic: initiatorStatic)
        } catch {
            let (reason, cause) = error.drop
            return dropped(reason, cause)
        }
        // Authenticated from here on.
        lastInitTimestampSeen = message.header.counter
        if credential != remote {
            remote = credential
            remoteStatic = initiatorStatic
        }
        if let pending {
            // Crossed inits: the lower node id's init wins, unless ours has been
            // unanswered for a whole renew interval (the peer may be unable to use it).
            let age = now.monotonicNanoseconds &- pending.createdAt
            if winsCrossedInits && age < configuration.renewNanoseconds { return [] }
            self.pending = nil
        }
        let keyID = message.header.keyID
        guard current?.keyID != keyID, previous?.keyID != keyID else { return dropped(.replay, .staleHandshake) }
        guard let cipher = configuration.choose(from: message.offeredCiphers) else {
            return dropped(.auth, .noCommonCipher)
        }
        do {
            let (response, keys) = try TrunkHandshakeCrypto.respond(
                to: message, bytes: bytes, local: local, initiatorStatic: initiatorStatic, cipher: cipher)
            unconfirmed = try TrunkSession(
                keyID: keyID, role: .responder, cipher: cipher, keys: keys, now: now.monotonicNanoseconds)
            answered = AnsweredInit(initBytes: bytes, response: response)
            wantsConnection = true
            return [.send(response)]
        } catch {
            let (reason, cause) = error.drop
            return dropped(reason, cause)
        }
    }

    mutating func receiveResponse(_ datagram: UnsafeRawBufferPointer, now: TrunkTime) -> [TrunkAction] {
        let message: TrunkHandshakeResponse
        do { message = try TrunkHandshakeResponse(parsing: datagram) } catch { return dropped(.malformed, .wire(error)) }
        guard let pending, message.header.keyID == pending.keyID, message.header.counter == pending.timestamp,
            message.initiator == local.tag
        else { return dropped(.replay, .unexpectedResponse) }
        guard let cipher = TrunkCipher(wireBit: message.chosenCipher), configuration.offeredCiphers.contains(cipher.wireBit)
        else { return dropped(.auth, .noCommonCipher) }
        let session: TrunkSession
        do {
            let keys = try TrunkHandshakeCrypto.complete(
                pending, response: message, bytes: Array(datagram), local: local, remoteStatic: remoteStatic,
                cipher: cipher)
            session = try TrunkSession(
                keyID: pending.keyID, role: .initiator, cipher: cipher, keys: keys, now: now.monotonicNanoseconds)
        } catch {
            let (reason, cause) = error.drop
            return dropped(reason, cause)
        }
        self.pending = nil
        statistics.framesReceived &+= 1
        statistics.bytesReceived &+= UInt64(datagram.count)
        var actions = install(session, now: now)
        // A first frame under the new key confirms the session to the responder.
        actions += sendPing(now: now)
        return actions
    }

    // MARK: Sealed frames

    enum Slot { case current, previous, unconfirmed }

    func slot(for keyID: UInt32) -> Slot? {
        if current?.keyID == keyID { return .current }
        if previous?.keyID == keyID { return .previous }
        if unconfirmed?.keyID == keyID { return .unconfirmed }
        return nil
    }

    func opener(in slot: Slot) -> TrunkAEAD? {
        switch slot {
        case .current: current?.opener
        case .previous: previous?.opener
        case .unconfirmed: unconfirmed?.opener
        }
    }

    func check(_ counter: UInt64, in slot: Slot) -> TrunkReplayWindow.Verdict? {
        switch slot {
        case .current: current?.replay.check(counter)
        case .previous: previous?.replay.check(counter)
        case .unconfirmed: unconfirmed?.replay.check(counter)
        }
    }

    mutating func commit(_ counter: UInt64, in slot: Slot) {
        switch slot {
        case .current: current?.replay.commit(counter)
        case .previous: previous?.replay.commit(counter)
        case .unconfirmed: unconfirmed?.replay.commit(counter)
        }
    }

    /// Looks up the session, checks the replay window, opens the frame into
    /// `output` (which may start at `sealed`'s address) and commits the counter.
    /// - Returns: nil and the drop on failure; the plaintext length and any
    ///   actions the frame caused (a responder's session confirmed) on success.
    mutating func authenticate(
        _ header: TrunkFrameHeader, datagram: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        now: TrunkTime
    ) -> (plaintextCount: Int?, actions: [TrunkAction]) {
        // Read the opener and the verdict without copying the session: a live
        // copy would share the replay window's storage and make `commit` copy it.
        guard let slot = slot(for: header.keyID), let opener = opener(in: slot), let verdict = check(header.counter, in: slot)
        else {
            return (nil, dropped(.auth, .unknownKeyID))
        }
        switch verdict {
        case .accept: break
        case .duplicate: return (nil, dropped(.replay, .duplicateCounter))
        case .tooOld: return (nil, dropped(.replay, .counterTooOld))
        }
        let sealed = UnsafeRawBufferPointer(rebasing: datagram[TrunkFrameHeader.size...])
        guard sealed.count >= TrunkCipher.tagByteCount else {
            let needed = TrunkFrameHeader.size + TrunkCipher.tagByteCount
            return (nil, dropped(.malformed, .wire(.truncated(.frameHeader, needed: needed, available: datagram.count))))
        }
        let ad = UnsafeRawBufferPointer(rebasing: datagram[0..<TrunkFrameHeader.size])
        guard let count = try? opener.open(sealed, counter: header.counter, associatedData: ad, into: output) else {
            return (nil, dropped(.auth, .authenticationFailed))
        }
        commit(header.counter, in: slot)
        lastAuthenticatedAt = now.monotonicNanoseconds
        statistics.framesReceived &+= 1
        statistics.bytesReceived &+= UInt64(datagram.count)
        guard slot == .unconfirmed, let confirmed = unconfirmed else { return (count, []) }
        unconfirmed = nil
        return (count, install(confirmed, now: now))
    }

    mutating func receiveSealed(_ header: TrunkFrameHeader, _ datagram: UnsafeRawBufferPointer, now: TrunkTime)
        -> [TrunkAction]
    {
        let capacity = max(datagram.count - TrunkFrameHeader.size - TrunkCipher.tagByteCount, 0)
        var plaintext = [UInt8](repeating: 0, count: capacity)
        let (count, early) = plaintext.withUnsafeMutableBytes { out in
            authenticate(header, datagram: datagram, into: out, now: now)
        }
        guard count != nil else { return early }
        var actions = early
        switch header.type {
        case .data:
            do {
                actions.append(.deliver(.data(try TrunkDataFrame(parsing: plaintext))))
            } catch {
                actions += dropped(.malformed, .wire(error))
            }
        case .control:
            do {
                actions += handleControl(try TrunkControlMessage.parseList(plaintext), now: now)
            } catch {
                actions += dropped(.malformed, .wire(error))
            }
        case .handshakeInit, .handshakeResponse:
            break  // not reached: only sealed types come here
        }
        return actions
    }

    mutating func handleControl(_ messages: [TrunkControlMessage], now: TrunkTime) -> [TrunkAction] {
        var actions: [TrunkAction] = []
        var forNode: [TrunkControlMessage] = []
        for message in messages {
            switch message {
            case .ping(let ping):
                let pong = TrunkPong(sequence: ping.sequence, pingSentAt: ping.sentAt, pongSentAt: now.unixMicroseconds)
                if let bytes = try? seal(.control([.pong(pong)]), now: now) { actions.append(.send(bytes)) }
            case .pong(let pong):
                if let measurement = measure(pong, now: now) { actions.append(.measurement(measurement)) }
            default:
                forNode.append(message)
            }
        }
        if !forNode.isEmpty { actions.append(.deliver(.control(forNode))) }
        return actions
    }
}
