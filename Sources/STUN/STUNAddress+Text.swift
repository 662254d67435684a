// Textual forms of STUNAddress: dotted-quad IPv4, RFC 5952 IPv6, "ip:port" / "[ip]:port".

extension STUNAddress.IP: CustomStringConvertible {
    /// Parses dotted-quad IPv4 ("192.0.2.1") or IPv6 ("2001:db8::1", with at most one "::").
    /// Returns nil for anything else (no zone ids, no embedded IPv4 in IPv6).
    public init?(_ text: some StringProtocol) {
        if text.contains(":") {
            guard let groups = Self.parseIPv6Groups(text) else { return nil }
            var high: UInt64 = 0
            var low: UInt64 = 0
            for index in 0..<4 { high = high << 16 | UInt64(groups[index]) }
            for index in 4..<8 { low = low << 16 | UInt64(groups[index]) }
            self = .v6(high: high, low: low)
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var value: UInt32 = 0
            for part in parts {
                guard part.count >= 1, part.count <= 3, part.allSatisfy(\.isASCIIDigit),
                      let octet = UInt8(part, radix: 10) else { return nil }
                value = value << 8 | UInt32(octet)
            }
            self = .v4(value)
        }
    }

    private static func parseIPv6Groups(_ text: some StringProtocol) -> [UInt16]? {
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard group.count >= 1, group.count <= 4, group.allSatisfy(\.isASCIIHexDigit),
                      let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        let halves = String(text).split(separator: "::", maxSplits: 2, omittingEmptySubsequences: false)
        switch halves.count {
        case 1:
            guard let all = groups(halves[0]), all.count == 8 else { return nil }
            return all
        case 2:
            guard let head = groups(halves[0]), let tail = groups(halves[1]),
                  head.count + tail.count <= 7 else { return nil }
            return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        default:
            return nil
        }
    }

    /// Dotted-quad for IPv4; RFC 5952 canonical text for IPv6 (lowercase, longest zero run as "::").
    public var description: String {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> $0) & 0xFF) }.joined(separator: ".")
        case .v6(let high, let low):
            let groups = [48, 32, 16, 0].map { UInt16(truncatingIfNeeded: high >> $0) }
                + [48, 32, 16, 0].map { UInt16(truncatingIfNeeded: low >> $0) }
            // Longest run of at least two zero groups, first one on ties (RFC 5952 §4.2).
            var bestStart = -1, bestLength = 1, runStart = -1
            for index in 0...8 {
                if index < 8, groups[index] == 0 {
                    if runStart < 0 { runStart = index }
                } else if runStart >= 0 {
                    if index - runStart > bestLength { bestStart = runStart; bestLength = index - runStart }
                    runStart = -1
                }
            }
            let hex = groups.map { String($0, radix: 16) }
            guard bestStart >= 0 else { return hex.joined(separator: ":") }
            let head = hex[0..<bestStart].joined(separator: ":")
            let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
            return head + "::" + tail
        }
    }
}

extension STUNAddress: CustomStringConvertible {
    /// Parses "192.0.2.1:3478" or "[2001:db8::1]:3478".
    public init?(_ text: some StringProtocol) {
        let hostText: Substring
        let portText: Substring
        let whole = Substring(text)
        if whole.first == "[" {
            guard let close = whole.firstIndex(of: "]") else { return nil }
            hostText = whole[whole.index(after: whole.startIndex)..<close]
            let rest = whole[whole.index(after: close)...]
            guard rest.first == ":" else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = whole.lastIndex(of: ":") else { return nil }
            hostText = whole[..<colon]
            portText = whole[whole.index(after: colon)...]
            guard !hostText.contains(":") else { return nil }
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCIIDigit), let port = UInt16(portText, radix: 10),
              let ip = IP(hostText) else { return nil }
        self.init(ip: ip, port: port)
    }

    /// "ip:port" for IPv4, "[ip]:port" for IPv6.
    public var description: String {
        switch ip {
        case .v4: "\(ip):\(port)"
        case .v6: "[\(ip)]:\(port)"
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    var isASCIIHexDigit: Bool { isASCIIDigit || ("a"..."f").contains(self) || ("A"..."F").contains(self) }
}
