import TrunkWire

/// One key epoch of a trunk: the two directional AEADs of a completed
/// handshake, the send counter and the receive replay window.
struct TrunkSession: Sendable {
    /// The key id frames of this session carry.
    let keyID: UInt32
    /// This node's role in the handshake that made the session.
    let role: TrunkRole
    /// The negotiated cipher.
    let cipher: TrunkCipher
    /// Seals outgoing frames.
    let sealer: TrunkAEAD
    /// Opens incoming frames.
    let opener: TrunkAEAD
    /// The counter the next sealed frame uses.
    var nextCounter: UInt64
    /// Incoming counters seen.
    var replay = TrunkReplayWindow()
    /// Monotonic ns when the session was created.
    let createdAt: UInt64
    /// Monotonic ns when a newer session took over sending, nil while current.
    var retiredAt: UInt64?

    init(keyID: UInt32, role: TrunkRole, cipher: TrunkCipher, keys: TrunkSessionKeys, now: UInt64) throws(TrunkError) {
        self.keyID = keyID
        self.role = role
        self.cipher = cipher
        sealer = try TrunkAEAD(key: keys.sendingKey(for: role), cipher: cipher)
        opener = try TrunkAEAD(key: keys.receivingKey(for: role), cipher: cipher)
        createdAt = now
        // Counter 0 of the responder->initiator direction sealed the handshake
        // confirmation: the responder starts at 1 and the initiator never accepts 0.
        switch role {
        case .responder:
            nextCounter = 1
        case .initiator:
            nextCounter = 0
            replay.commit(0)
        }
    }

    /// Frames sealed so far.
    var framesSealed: UInt64 { role == .responder ? nextCounter - 1 : nextCounter }

    /// Seals a frame in `output`: writes the header with the next counter,
    /// lets `writePlaintext` fill the `plaintextCount` bytes after it, and
    /// encrypts them in place, appending the tag.
    /// - Returns: the datagram length (`24 + plaintextCount + 16`).
    mutating func seal(
        type: TrunkFrameType, sender: TrunkNodeTag, plaintextCount: Int, into output: UnsafeMutableRawBufferPointer,
        limit: UInt64, writePlaintext: (UnsafeMutableRawBufferPointer) throws(TrunkWireError) -> Int
    ) throws(TrunkError) -> Int {
        let total = TrunkFrameHeader.size + plaintextCount + TrunkCipher.tagByteCount
        guard output.count >= total else { throw .outputBufferTooSmall(needed: total, available: output.count) }
        guard framesSealed < limit, nextCounter < UInt64.max else { throw .keyExhausted(keyID: keyID) }
        let header = TrunkFrameHeader(type: type, keyID: keyID, sender: sender, counter: nextCounter)
        let headerBytes = UnsafeMutableRawBufferPointer(rebasing: output[0..<TrunkFrameHeader.size])
        let body = UnsafeMutableRawBufferPointer(rebasing: output[TrunkFrameHeader.size..<total])
        do throws(TrunkWireError) {
            try header.write(into: headerBytes)
            let written = try writePlaintext(UnsafeMutableRawBufferPointer(rebasing: body[0..<plaintextCount]))
            guard written == plaintextCount else {
                throw TrunkWireError.bufferTooSmall(needed: plaintextCount, available: written)
            }
        } catch {
            throw .wire(error)
        }
        let plaintext = UnsafeRawBufferPointer(rebasing: body[0..<plaintextCount])
        try sealer.seal(plaintext, counter: nextCounter, associatedData: UnsafeRawBufferPointer(headerBytes), into: body)
        nextCounter += 1
        return total
    }
}
