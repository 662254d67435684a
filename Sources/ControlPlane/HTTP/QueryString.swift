/// `application/x-www-form-urlencoded` query parameters of a request target
/// (WHATWG URL "urlencoded parsing": split on `&`, then the first `=`, `+` is
/// a space, `%XX` escapes are bytes). Malformed escapes are kept literally.
struct QueryString: Sendable, Equatable {
    /// Most parameters read from one target.
    static let maximumParameters = 64

    private(set) var pairs: [(name: String, value: String)] = []

    /// Parses the part after `?` of `target` (a path with an optional query).
    init(target: String) {
        guard let question = target.firstIndex(of: "?") else { return }
        var query = target[target.index(after: question)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        for item in query.split(separator: "&").prefix(Self.maximumParameters) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            pairs.append((Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : ""))
        }
    }

    /// The first value of `name`.
    subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    static func == (lhs: QueryString, rhs: QueryString) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0 == $1 }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    static func decode(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x2B {
                out.append(0x20)
            } else if byte == 0x25, index + 2 < bytes.count,
                      let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
