// Writing STUN messages (RFC 8489 §5, §14), optionally appending MESSAGE-INTEGRITY
// (§14.5) and FINGERPRINT (§14.7) computed over what was written.

extension STUNMessage {
    private static let attributeHeaderSize = 4
    private static let integrityAttributeSize = 4 + HMACSHA1.macSize
    private static let fingerprintAttributeSize = 8

    /// The attributes that are written: stored MESSAGE-INTEGRITY / FINGERPRINT are
    /// replaced when fresh ones are requested.
    private func attributesToWrite(integrity: Bool, fingerprint: Bool) -> [STUNAttribute] {
        guard integrity || fingerprint else { return attributes }
        return attributes.filter { attribute in
            switch attribute {
            case .messageIntegrity: !integrity
            case .fingerprint: false
            default: true
            }
        }
    }

    /// The bytes ``write(into:integrity:fingerprint:paddingByte:)`` would append.
    public func encodedSize(integrity: Bool = false, fingerprint: Bool = false) throws(STUNError) -> Int {
        var size = Self.headerSize
        for attribute in attributesToWrite(integrity: integrity, fingerprint: fingerprint) {
            size += Self.attributeHeaderSize + paddedLength(try attribute.valueLength())
        }
        if integrity { size += Self.integrityAttributeSize }
        if fingerprint { size += Self.fingerprintAttributeSize }
        let length = size - Self.headerSize
        guard length <= Int(UInt16.max) else { throw .messageTooLarge(length: length) }
        return size
    }

    /// Appends the message to `buffer`.
    ///
    /// - Parameters:
    ///   - integrity: if given, any stored MESSAGE-INTEGRITY and FINGERPRINT are left out
    ///     and a fresh MESSAGE-INTEGRITY is appended, computed with this key (RFC 8489 §14.5).
    ///   - fingerprint: if true, any stored FINGERPRINT is left out and a fresh one is
    ///     appended last (RFC 8489 §14.7).
    ///   - paddingByte: the value of padding bytes; RFC 8489 §14 lets senders choose,
    ///     receivers ignore it (RFC 5769's vectors use 0x20).
    /// - Throws: before touching `buffer`, if a value or the message is too large for
    ///   its 16-bit length, or an ERROR-CODE is outside 300–699.
    public func write(
        into buffer: inout [UInt8],
        integrity: STUNIntegrityKey? = nil,
        fingerprint: Bool = false,
        paddingByte: UInt8 = 0
    ) throws(STUNError) {
        let size = try encodedSize(integrity: integrity != nil, fingerprint: fingerprint)
        let start = buffer.count
        buffer.reserveCapacity(start + size)
        buffer.appendUInt16(type.rawValue)
        buffer.appendUInt16(0)  // Message Length, set below
        buffer.appendUInt32(Self.magicCookie)
        buffer.append(contentsOf: transactionID.bytes)
        for attribute in attributesToWrite(integrity: integrity != nil, fingerprint: fingerprint) {
            // valueLength() succeeded inside encodedSize, so it fits in 16 bits.
            let length = (try? attribute.valueLength()) ?? 0
            buffer.appendUInt16(attribute.type.rawValue)
            buffer.appendUInt16(UInt16(truncatingIfNeeded: length))
            attribute.writeValue(into: &buffer, transactionID: transactionID)
            buffer.append(contentsOf: repeatElement(paddingByte, count: paddedLength(length) - length))
        }
        let lengthOffset = start + 2
        if let key = integrity {
            // §14.5: the length covers the MESSAGE-INTEGRITY attribute while computing it.
            let length = buffer.count - start - Self.headerSize + Self.integrityAttributeSize
            buffer.setUInt16(UInt16(truncatingIfNeeded: length), at: lengthOffset)
            let mac = buffer.withUnsafeBytes { key.hmac.authenticationCode(for: $0.slice(start..<$0.count)) }
            buffer.appendUInt16(STUNAttributeType.messageIntegrity.rawValue)
            buffer.appendUInt16(UInt16(HMACSHA1.macSize))
            buffer.append(contentsOf: mac)
        }
        if fingerprint {
            // §14.7: the length covers the FINGERPRINT attribute while computing it.
            let length = buffer.count - start - Self.headerSize + Self.fingerprintAttributeSize
            buffer.setUInt16(UInt16(truncatingIfNeeded: length), at: lengthOffset)
            var crc = CRC32()
            buffer.withUnsafeBytes { crc.update($0.slice(start..<$0.count)) }
            buffer.appendUInt16(STUNAttributeType.fingerprint.rawValue)
            buffer.appendUInt16(4)
            buffer.appendUInt32(crc.value ^ Self.fingerprintXOR)
        }
        buffer.setUInt16(UInt16(truncatingIfNeeded: buffer.count - start - Self.headerSize), at: lengthOffset)
    }

    /// The encoded message as a new array; see ``write(into:integrity:fingerprint:paddingByte:)``.
    public func encoded(
        integrity: STUNIntegrityKey? = nil,
        fingerprint: Bool = false,
        paddingByte: UInt8 = 0
    ) throws(STUNError) -> [UInt8] {
        var buffer: [UInt8] = []
        try write(into: &buffer, integrity: integrity, fingerprint: fingerprint, paddingByte: paddingByte)
        return buffer
    }
}
