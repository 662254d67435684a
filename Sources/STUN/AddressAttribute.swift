// MAPPED-ADDRESS (RFC 8489 §14.1) and XOR-MAPPED-ADDRESS (RFC 8489 §14.2) values.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |0 0 0 0 0 0 0 0|    Family     |     Port (X-Port if XOR)      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                                                               |
// |        Address (32 bits or 128 bits, X-Address if XOR)        |
// |                                                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// XOR: X-Port = port ^ (magic cookie >> 16); IPv4 X-Address = address ^ magic cookie;
// IPv6 X-Address = address ^ (magic cookie ‖ transaction ID).

extension STUNAddress {
    private static let ipv4ValueLength = 8
    private static let ipv6ValueLength = 20

    /// The 16 bytes an IPv6 address is XORed with: magic cookie ‖ transaction ID.
    private static func xorPad(_ transactionID: STUNTransactionID) -> (UInt64, UInt64) {
        let id = transactionID.bytes
        var high = UInt64(STUNMessage.magicCookie) << 32
        var low: UInt64 = 0
        for index in 0..<4 { high |= UInt64(id[index]) << UInt64(24 - 8 * index) }
        for index in 4..<12 { low |= UInt64(id[index]) << UInt64(56 - 8 * (index - 4)) }
        return (high, low)
    }

    /// Parses an address value; `xor` is the transaction ID for XOR-MAPPED-ADDRESS, nil otherwise.
    init(parsing value: UnsafeRawBufferPointer, type: STUNAttributeType, xor: STUNTransactionID?) throws(STUNError) {
        guard value.count >= 4 else {
            throw .invalidAttributeLength(type: type.rawValue, length: value.count, expected: Self.ipv4ValueLength)
        }
        let familyCode = value[1]
        var port = value.readUInt16(at: 2)
        if xor != nil { port ^= UInt16(truncatingIfNeeded: STUNMessage.magicCookie >> 16) }
        switch (Family(rawValue: familyCode), value.count) {
        case (.ipv4?, Self.ipv4ValueLength):
            var address = value.readUInt32(at: 4)
            if xor != nil { address ^= STUNMessage.magicCookie }
            self.init(ip: .v4(address), port: port)
        case (.ipv6?, Self.ipv6ValueLength):
            var high = value.readUInt64(at: 4)
            var low = value.readUInt64(at: 12)
            if let transactionID = xor {
                let pad = Self.xorPad(transactionID)
                high ^= pad.0
                low ^= pad.1
            }
            self.init(ip: .v6(high: high, low: low), port: port)
        default:
            throw .invalidAddressFamily(type: type.rawValue, family: familyCode, length: value.count)
        }
    }

    /// Appends the address value; `xor` is the transaction ID for XOR-MAPPED-ADDRESS, nil otherwise.
    func write(into buffer: inout [UInt8], xor: STUNTransactionID?) {
        buffer.append(0)
        buffer.append(family.rawValue)
        let portMask = xor == nil ? 0 : UInt16(truncatingIfNeeded: STUNMessage.magicCookie >> 16)
        buffer.appendUInt16(port ^ portMask)
        switch ip {
        case .v4(let address):
            buffer.appendUInt32(address ^ (xor == nil ? 0 : STUNMessage.magicCookie))
        case .v6(let high, let low):
            let pad = xor.map { Self.xorPad($0) } ?? (0, 0)
            buffer.appendUInt64(high ^ pad.0)
            buffer.appendUInt64(low ^ pad.1)
        }
    }
}
