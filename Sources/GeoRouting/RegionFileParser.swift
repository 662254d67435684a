/// Parser for one `regions/<id>.yaml` file: a tiny, strict subset of YAML 1.2.
///
/// ```yaml
/// # comments start at '#' at the line start or after whitespace
/// id: eu-central          # [a-z0-9-]+, equal to the file name
/// name: Frankfurt         # plain, "double-quoted" or 'single-quoted'
/// location: { lat: 50.11, lon: 8.68 }
/// ```
///
/// `location` may also be a block mapping with indented `lat:` / `lon:` lines.
/// An optional `---` may open the file. Anything else (unknown or duplicate
/// keys, other YAML constructs, tabs, numbers other than `[+-]digits[.digits]`,
/// out-of-range coordinates) is an error naming the file and line.
struct RegionFileParser {
    /// Files larger than this are refused (a region file is a few lines).
    static let maximumFileSize = 64 * 1024

    let path: String
    /// The file name without extension; the `id` must equal it.
    let expectedID: String

    private struct Value {
        let text: String
        let line: Int
    }

    private var id: Value?
    private var name: Value?
    private var locationLine: Int?
    private var latitude: Value?
    private var longitude: Value?
    /// Indentation of the `location:` block's lines, once the first one is seen.
    private var blockIndent: Int?
    private var inLocationBlock = false

    init(path: String, expectedID: String) {
        self.path = path
        self.expectedID = expectedID
    }

    /// Parses `text` into a region.
    mutating func parse(_ text: String) throws(GeoRoutingError) -> Region {
        var lineNumber = 0
        var sawContent = false
        // "\r\n" is one Character in Swift, so split on both forms.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.last == "\r" { line = line.dropLast() }
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            if body.isEmpty || body.first == "#" { continue }
            if body.first == "\t" { throw fail(lineNumber, .malformedLine("tabs are not allowed for indentation")) }
            if !sawContent && indent == 0 && Self.stripTrailing(body) == "---" {
                sawContent = true
                continue
            }
            sawContent = true
            try parseLine(body, indent: indent, line: lineNumber)
        }
        return try finish()
    }

    private mutating func parseLine(_ body: Substring, indent: Int, line: Int) throws(GeoRoutingError) {
        let (keyText, rest) = try splitKey(body, line: line)
        let key = String(keyText)
        if indent > 0 {
            guard inLocationBlock else { throw fail(line, .malformedLine("unexpected indentation")) }
            if let blockIndent, blockIndent != indent {
                throw fail(line, .malformedLine("inconsistent indentation in location"))
            }
            blockIndent = indent
            let value = try scalar(rest, key: "location.\(key)", line: line)
            try setCoordinate(key, value: value, line: line)
            return
        }
        if inLocationBlock && blockIndent == nil { throw fail(line, .emptyValue("location")) }
        inLocationBlock = false
        switch key {
        case "id":
            guard id == nil else { throw fail(line, .duplicateKey(key)) }
            id = Value(text: try scalar(rest, key: key, line: line), line: line)
        case "name":
            guard name == nil else { throw fail(line, .duplicateKey(key)) }
            name = Value(text: try scalar(rest, key: key, line: line), line: line)
        case "location":
            guard locationLine == nil else { throw fail(line, .duplicateKey(key)) }
            locationLine = line
            let value = Self.stripComment(rest)
            if value.isEmpty {
                inLocationBlock = true
            } else if value.first == "{" {
                try parseFlowMapping(value, line: line)
            } else {
                throw fail(line, .malformedLine("location must be { lat: …, lon: … }"))
            }
        default:
            throw fail(line, .unknownKey(key))
        }
    }

    /// `{ lat: 50.11, lon: 8.68 }` (YAML 1.2 §7.4.1 flow mapping, plain scalars only).
    private mutating func parseFlowMapping(_ value: Substring, line: Int) throws(GeoRoutingError) {
        guard value.last == "}" else { throw fail(line, .malformedLine("unterminated { … } in location")) }
        let inner = value.dropFirst().dropLast()
        guard !inner.contains("{"), !inner.contains("}"), !inner.contains("\""), !inner.contains("'") else {
            throw fail(line, .malformedLine("only plain lat/lon numbers are allowed inside { … }"))
        }
        for item in inner.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = Self.strip(item)
            guard !trimmed.isEmpty else { throw fail(line, .malformedLine("empty entry in location { … }")) }
            let (key, rest) = try splitKey(trimmed, line: line)
            try setCoordinate(String(key), value: String(Self.strip(rest)), line: line)
        }
    }

    private mutating func setCoordinate(_ key: String, value: String, line: Int) throws(GeoRoutingError) {
        switch key {
        case "lat":
            guard latitude == nil else { throw fail(line, .duplicateKey("location.lat")) }
            latitude = Value(text: value, line: line)
        case "lon":
            guard longitude == nil else { throw fail(line, .duplicateKey("location.lon")) }
            longitude = Value(text: value, line: line)
        default:
            throw fail(line, .unknownKey("location.\(key)"))
        }
    }

    private func finish() throws(GeoRoutingError) -> Region {
        guard let id else { throw fail(nil, .missingKey("id")) }
        guard let name else { throw fail(nil, .missingKey("name")) }
        guard let locationLine else { throw fail(nil, .missingKey("location")) }
        guard let latitude else { throw fail(locationLine, .missingKey("location.lat")) }
        guard let longitude else { throw fail(locationLine, .missingKey("location.lon")) }

        guard RegionID.isValid(id.text) else { throw fail(id.line, .invalidID(String(id.text.prefix(80)))) }
        guard id.text == expectedID else {
            throw fail(id.line, .idDoesNotMatchFileName(id: id.text, fileName: Self.fileName(of: path)))
        }
        guard !name.text.isEmpty else { throw fail(name.line, .emptyValue("name")) }
        let lat = try number(latitude, key: "location.lat", limit: 90)
        let lon = try number(longitude, key: "location.lon", limit: 180)
        do {
            return Region(id: try RegionID(id.text), name: name.text, location: try GeoCoordinate(latitude: lat, longitude: lon))
        } catch {
            throw fail(id.line, .invalidID(id.text))  // unreachable: both validated above
        }
    }

    /// A decimal `[+-]?[0-9]+(\.[0-9]+)?` within ±limit.
    private func number(_ value: Value, key: String, limit: Double) throws(GeoRoutingError) -> Double {
        var digits = Substring(value.text)
        if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let wellFormed =
            !parts.isEmpty && parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.utf8.count <= 20 }
            && parts.allSatisfy { $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
        guard wellFormed, let number = Double(value.text) else {
            throw fail(value.line, .invalidNumber(key: key, value: String(value.text.prefix(40))))
        }
        guard abs(number) <= limit else { throw fail(value.line, .coordinateOutOfRange(key: key, value: number)) }
        return number
    }

    // MARK: - Lexing

    /// Splits `key: rest`; the key is `[A-Za-z0-9_-]+` and the colon is followed by a space or the end.
    private func splitKey(_ text: Substring, line: Int) throws(GeoRoutingError) -> (Substring, Substring) {
        guard let colon = text.firstIndex(of: ":") else {
            throw fail(line, .malformedLine("expected \"key: value\""))
        }
        let key = text[..<colon]
        let rest = text[text.index(after: colon)...]
        let keyIsPlain = !key.isEmpty && key.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard keyIsPlain else { throw fail(line, .malformedLine("invalid key \"\(key.prefix(40))\"")) }
        guard rest.isEmpty || rest.first == " " else { throw fail(line, .malformedLine("expected a space after \"\(key):\"")) }
        return (key, Self.strip(rest))
    }

    /// A scalar value: plain, "double-quoted" (escapes \" and \\) or 'single-quoted' ('' escape),
    /// optionally followed by a comment.
    private func scalar(_ rest: Substring, key: String, line: Int) throws(GeoRoutingError) -> String {
        guard let first = rest.first else { throw fail(line, .emptyValue(key)) }
        if first == "\"" || first == "'" {
            var result = ""
            var index = rest.index(after: rest.startIndex)
            while index < rest.endIndex {
                let c = rest[index]
                let next = rest.index(after: index)
                if c == first {
                    if first == "'", next < rest.endIndex, rest[next] == "'" {  // '' inside single quotes
                        result.append("'")
                        index = rest.index(after: next)
                        continue
                    }
                    let tail = Self.strip(rest[next...])
                    guard tail.isEmpty || tail.first == "#" else {
                        throw fail(line, .malformedLine("unexpected text after the quoted value of \(key)"))
                    }
                    return result
                }
                if first == "\"", c == "\\" {
                    guard next < rest.endIndex, rest[next] == "\"" || rest[next] == "\\" else {
                        throw fail(line, .malformedLine("only \\\" and \\\\ escapes are supported"))
                    }
                    result.append(rest[next])
                    index = rest.index(after: next)
                    continue
                }
                result.append(c)
                index = next
            }
            throw fail(line, .malformedLine("unterminated quoted value of \(key)"))
        }
        if "{[&*!|>%@`".contains(first) {
            throw fail(line, .malformedLine("unsupported YAML construct in the value of \(key)"))
        }
        let value = Self.stripComment(rest)
        guard !value.isEmpty else { throw fail(line, .emptyValue(key)) }
        return String(value)
    }

    /// Removes a trailing comment: '#' at the start or after a space (YAML 1.2 §6.6).
    private static func stripComment(_ text: Substring) -> Substring {
        if text.first == "#" { return "" }
        var previous: Character = "x"
        for index in text.indices {
            if text[index] == "#", previous == " " || previous == "\t" {
                return stripTrailing(text[..<index])
            }
            previous = text[index]
        }
        return stripTrailing(text)
    }

    private static func strip(_ text: Substring) -> Substring {
        stripTrailing(text.drop { $0 == " " || $0 == "\t" })
    }

    private static func stripTrailing(_ text: Substring) -> Substring {
        var result = text
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }

    static func fileName(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    private func fail(_ line: Int?, _ problem: RegionFileProblem) -> GeoRoutingError {
        .regionFile(path: path, line: line, problem: problem)
    }
}
