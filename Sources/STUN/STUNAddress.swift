/// A transport address (IP address and UDP port) as STUN carries it, independent
/// of any socket library: IPv4 as 4 bytes, IPv6 as 16 bytes, both in network order.
public struct STUNAddress: Hashable, Sendable {
    /// The address family code used in MAPPED-ADDRESS and XOR-MAPPED-ADDRESS (RFC 8489 §14.1).
    public enum Family: UInt8, Hashable, Sendable {
        case ipv4 = 0x01
        case ipv6 = 0x02
    }

    /// The IP address.
    public enum IP: Hashable, Sendable {
        /// An IPv4 address; the UInt32 holds the 4 bytes in network order (a.b.c.d = a<<24|…|d).
        case v4(UInt32)
        /// An IPv6 address as two halves in network order.
        case v6(high: UInt64, low: UInt64)
    }

    /// The IP address.
    public var ip: IP
    /// The port.
    public var port: UInt16

    /// An address from its parts.
    public init(ip: IP, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// An address from 4 (IPv4) or 16 (IPv6) bytes in network order; nil for any other count.
    public init?(ipBytes: some Collection<UInt8>, port: UInt16) {
        var words: [UInt64] = [0, 0]
        switch ipBytes.count {
        case 4:
            var value: UInt32 = 0
            for byte in ipBytes { value = value << 8 | UInt32(byte) }
            self.init(ip: .v4(value), port: port)
        case 16:
            for (index, byte) in ipBytes.enumerated() {
                words[index / 8] = words[index / 8] << 8 | UInt64(byte)
            }
            self.init(ip: .v6(high: words[0], low: words[1]), port: port)
        default:
            return nil
        }
    }

    /// The address family.
    public var family: Family {
        switch ip {
        case .v4: .ipv4
        case .v6: .ipv6
        }
    }

    /// The IP address bytes in network order: 4 for IPv4, 16 for IPv6.
    public var ipBytes: [UInt8] {
        var bytes: [UInt8] = []
        switch ip {
        case .v4(let value):
            bytes.appendUInt32(value)
        case .v6(let high, let low):
            bytes.appendUInt64(high)
            bytes.appendUInt64(low)
        }
        return bytes
    }
}
