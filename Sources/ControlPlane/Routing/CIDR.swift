#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as 4 or 16 bytes, parsed with `inet_pton(3)`
/// (dotted quad, RFC 4291 §2.2 text; no zone, port or brackets).
public struct IPBytes: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(_ text: some StringProtocol) {
        let string = String(text)
        guard !string.isEmpty, string.utf8.count <= 45, !string.utf8.contains(0) else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, string, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, string, &v6) == 1 {
            let raw = withUnsafeBytes(of: &v6) { Array($0) }
            // An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) is its IPv4 address.
            if raw.prefix(10).allSatisfy({ $0 == 0 }) && raw[10] == 0xFF && raw[11] == 0xFF {
                bytes = Array(raw.suffix(4))
            } else {
                bytes = raw
            }
            return
        }
        return nil
    }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [String] = []
        var index = 0
        while index + 1 < bytes.count {
            groups.append(String(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]), radix: 16))
            index += 2
        }
        return groups.joined(separator: ":")
    }
}

/// A network in CIDR notation (`10.0.0.0/8`, `fd00::/8`, or one address).
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    public let network: IPBytes
    public let prefixLength: Int

    /// - Throws: `ControlPlaneError.configuration` for anything else.
    public init(_ text: some StringProtocol) throws(ControlPlaneError) {
        let trimmed = text.trimmingSpaces
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPBytes(parts[0]) else {
            throw .configuration(name: "TRUSTED_PROXIES", problem: "\(trimmed.prefix(64)) is not an address or CIDR network")
        }
        let maximum = address.bytes.count * 8
        var length = maximum
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...maximum).contains(parsed) else {
                throw .configuration(name: "TRUSTED_PROXIES", problem: "prefix length of \(trimmed.prefix(64)) must be 0...\(maximum)")
            }
            length = parsed
        }
        self.network = address
        self.prefixLength = length
    }

    /// Whether `address` is inside this network (an IPv4 address never matches an IPv6 network).
    public func contains(_ address: IPBytes) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for (a, n) in zip(address.bytes, network.bytes) {
            guard remaining > 0 else { return true }
            let bits = min(remaining, 8)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            guard a & mask == n & mask else { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String { "\(network)/\(prefixLength)" }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
