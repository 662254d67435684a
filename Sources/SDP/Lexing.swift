// Tokenizing helpers. SDP is a line-oriented ASCII grammar (RFC 8866 §9), but
// values may carry arbitrary UTF-8. Everything here works on Unicode scalars,
// never on `Character`s: a combining mark after a separator would otherwise
// glue itself to the separator (" \u{301}" is one Character) and a token split
// on parse would not be split again after serializing.

enum Lex {
    static let space: Unicode.Scalar = " "

    /// Splits `text` at the first `separator`: the part before it and the
    /// part after it, or `nil` when the separator does not occur.
    static func splitOnce(_ text: String, at separator: Unicode.Scalar) -> (head: String, tail: String?) {
        let scalars = text.unicodeScalars
        guard let index = scalars.firstIndex(of: separator) else { return (text, nil) }
        let head = String(scalars[scalars.startIndex..<index])
        let tail = String(scalars[scalars.index(after: index)...])
        return (head, tail)
    }

    /// Space-separated fields, ignoring runs of spaces (RFC 8866 uses single
    /// SPs; real stacks sometimes emit two).
    static func fields(_ text: String) -> [String] {
        split(text, on: space, omittingEmpty: true)
    }

    /// Splits on every `separator`.
    static func split(_ text: String, on separator: Unicode.Scalar, omittingEmpty: Bool = false) -> [String] {
        text.unicodeScalars
            .split(separator: separator, omittingEmptySubsequences: omittingEmpty)
            .map { String($0) }
    }

    /// Removes leading and trailing spaces (only U+0020).
    static func trim(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != space }),
              let last = scalars.lastIndex(where: { $0 != space })
        else { return "" }
        return String(scalars[first...last])
    }

    /// `text` without its first `count` scalars.
    static func dropFirst(_ text: String, _ count: Int) -> String {
        String(text.unicodeScalars.dropFirst(count))
    }

    /// Whether `text` starts with the ASCII `prefix`, compared scalar by scalar.
    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        text.unicodeScalars.starts(with: prefix.unicodeScalars)
    }

    /// Scalar-exact equality (Swift's `==` on String uses canonical
    /// equivalence; protocol keywords are compared exactly).
    static func same(_ lhs: String, _ rhs: String) -> Bool {
        lhs.unicodeScalars.elementsEqual(rhs.unicodeScalars)
    }

    /// ASCII case-insensitive comparison of protocol tokens (codec names,
    /// hash functions).
    static func sameIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        lhs.unicodeScalars.elementsEqual(rhs.unicodeScalars) { lowerASCII($0) == lowerASCII($1) }
    }

    static func lowerASCII(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        guard scalar.value >= 0x41, scalar.value <= 0x5A, let lower = Unicode.Scalar(scalar.value + 0x20) else {
            return scalar
        }
        return lower
    }

    /// ASCII-lowercased copy (non-ASCII scalars unchanged).
    static func lowercased(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(lowerASCII(scalar)) }
        return String(out)
    }

    /// Parses an unsigned decimal with digits only (no sign, no spaces).
    /// Overflow and empty input yield `nil`.
    static func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ text: String, as type: T.Type = T.self) -> T? {
        guard !text.isEmpty else { return nil }
        var value: T = 0
        for scalar in text.unicodeScalars {
            guard scalar.value >= 0x30, scalar.value <= 0x39 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(T(scalar.value - 0x30))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// RFC 8866 §9 `token-char`: what identifiers we write ourselves must
    /// consist of (no spaces, no line breaks, no separators).
    static func isTokenChar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x30...0x39, 0x41...0x5A, 0x5E...0x7E:
            return true
        default:
            return false
        }
    }

    /// Whether `text` is a non-empty RFC 8866 token.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy(isTokenChar)
    }
}
