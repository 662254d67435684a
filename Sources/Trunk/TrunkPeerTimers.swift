import TrunkWire

extension TrunkPeer {
    /// Runs the timers: peer-down on silence, init retransmission and renewal,
    /// re-key on the time or packet budget, expiry of the previous key and of
    /// unconfirmed sessions, and pings. Call every 50–100 ms.
    public mutating func tick(now: TrunkTime) -> [TrunkAction] {
        let t = now.monotonicNanoseconds
        var actions: [TrunkAction] = []
        if now.unixSeconds >= remote.notAfter {
            // The remote credential ran out: no more traffic with this node until it is renewed.
            if isUp { actions.append(.peerDown) }
            teardown()
            wantsConnection = false
            return actions
        }
        if isUp, t &- lastAuthenticatedAt > configuration.peerTimeoutNanoseconds {
            teardown()
            actions.append(.peerDown)
        }
        if let retired = previous?.retiredAt, t &- retired >= configuration.graceNanoseconds { previous = nil }
        if let created = unconfirmed?.createdAt, t &- created >= configuration.renewNanoseconds { unconfirmed = nil }

        if let pending {
            if t &- pending.createdAt >= configuration.renewNanoseconds {
                actions += startHandshake(now: now)
            } else if t &- pending.lastSentAt >= configuration.retransmitNanoseconds {
                self.pending?.lastSentAt = t
                actions.append(.send(pending.bytes))
            }
        } else if let current {
            let age = t &- current.createdAt
            let limit =
                current.role == .initiator
                ? configuration.rekeyNanoseconds : configuration.rekeyNanoseconds &+ configuration.renewNanoseconds
            if age >= limit || rekeyRequested { actions += startHandshake(now: now) }
        } else if wantsConnection && unconfirmed == nil {
            actions += startHandshake(now: now)
        }

        if isUp { pingLoss.expire(now: t) }
        if isUp, t &- lastPingAt >= configuration.pingNanoseconds { actions += sendPing(now: now) }
        return actions
    }

    /// Forgets every session and handshake (the trunk is down).
    mutating func teardown() {
        current = nil
        previous = nil
        unconfirmed = nil
        pending = nil
        isUp = false
        rekeyRequested = false
        pingLoss.forgetOutstanding()
    }

    /// Sends a fresh init (replacing any outstanding one).
    mutating func startHandshake(now: TrunkTime) -> [TrunkAction] {
        let timestamp = max(now.unixMicroseconds, lastInitTimestampSent &+ 1)
        var keyID = UInt32(truncatingIfNeeded: TrunkRandom.uint64())
        while keyID == 0 || slot(for: keyID) != nil { keyID = UInt32(truncatingIfNeeded: TrunkRandom.uint64()) }
        do {
            let next = try TrunkHandshakeCrypto.makeInit(
                local: local, remoteTag: remoteTag, remoteStatic: remoteStatic, keyID: keyID, timestamp: timestamp,
                offered: configuration.offeredCiphers, now: now.monotonicNanoseconds)
            pending = next
            lastInitTimestampSent = timestamp
            rekeyRequested = false
            return [.send(next.bytes)]
        } catch {
            // Only a low-order static key in a verified credential gets here; nothing to send.
            return []
        }
    }

    /// Seals a ping under the current session.
    mutating func sendPing(now: TrunkTime) -> [TrunkAction] {
        pingSequence &+= 1
        let ping = TrunkPing(sequence: pingSequence, sentAt: now.unixMicroseconds)
        guard let bytes = try? seal(.control([.ping(ping)]), now: now) else { return [] }
        lastPingAt = now.monotonicNanoseconds
        pingLoss.sent(sequence: ping.sequence, at: now.monotonicNanoseconds)
        return [.send(bytes)]
    }

    /// The measurement a pong completes, nil for a pong to no outstanding ping
    /// (it also decides that ping for `pingLoss`).
    mutating func measure(_ pong: TrunkPong, now: TrunkTime) -> TrunkMeasurement? {
        guard let sentAt = pingLoss.answered(sequence: pong.sequence, at: now.monotonicNanoseconds) else { return nil }
        let rtt = (now.monotonicNanoseconds &- sentAt) / 1_000
        return TrunkMeasurement(
            roundTripMicroseconds: rtt, forwardOneWayMicroseconds: difference(pong.pongSentAt, pong.pingSentAt),
            reverseOneWayMicroseconds: difference(now.unixMicroseconds, pong.pongSentAt), loss: pingLoss.ratio)
    }

    private func difference(_ a: UInt64, _ b: UInt64) -> Int64 {
        a >= b ? Int64(clamping: a - b) : -Int64(clamping: b - a)
    }
}
