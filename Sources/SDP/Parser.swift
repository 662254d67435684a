// RFC 8866 §5 (SDP specification) and §9 (grammar):
//
//   session-description = version-field origin-field session-name-field
//                         [information-field] [uri-field] *email-field
//                         *phone-field [connection-field] *bandwidth-field
//                         1*time-description [key-field] *attribute-field
//                         *media-description
//   media-description   = media-field [information-field] *connection-field
//                         *bandwidth-field [key-field] *attribute-field
//   each field          = <type>=<value> CRLF
//
// Accepted leniently, as browsers do: LF as well as CRLF line ends, empty
// lines, and session-level lines in any order after `v=`. Rejected: a first
// line other than `v=`, an unknown line type (RFC 8866 §5), session-only
// lines inside a media section, missing `o=`/`s=`/`t=`.

extension SessionDescription {
    /// Bounds on what the parser accepts; the defaults are far above anything
    /// a browser sends (Chrome's offer for 3 tracks is about 8 KiB).
    public struct Limits: Sendable, Hashable {
        /// Longest accepted input, in UTF-8 bytes.
        public var maxLength: Int
        /// Most `m=` sections accepted.
        public var maxMediaSections: Int

        public init(maxLength: Int = 1 << 17, maxMediaSections: Int = 128) {
            self.maxLength = maxLength
            self.maxMediaSections = maxMediaSections
        }
    }

    /// Parses a session description (RFC 8866).
    public init(parsing text: String, limits: Limits = Limits()) throws(SDPError) {
        let size = text.utf8.count
        guard size <= limits.maxLength else { throw .tooLarge(size: size, limit: limits.maxLength) }
        var parser = SDPParser(limits: limits)
        var lineNumber = 0
        for raw in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var scalars = raw
            if scalars.last == "\r" { scalars = scalars.dropLast() }
            guard let type = scalars.first else { continue }
            let rest = scalars.dropFirst()
            guard rest.first == "=", (type.value >= 0x61 && type.value <= 0x7A) || (type.value >= 0x41 && type.value <= 0x5A)
            else {
                throw .malformedLine(line: lineNumber, text: SDPError.clip(String(scalars)))
            }
            try parser.consume(type: type, value: String(rest.dropFirst()), line: lineNumber)
        }
        self = try parser.finish()
    }
}

/// The parser's state: the session so far and the media section being read.
struct SDPParser {
    let limits: SessionDescription.Limits
    var session = SessionDescription(origin: Origin(sessionID: 0, sessionVersion: 0))
    var current: MediaDescription?
    var sawVersion = false
    var sawOrigin = false
    var sawName = false
    /// Single-valued attributes seen in the current section (for duplicates).
    var seen: Set<String> = []

    init(limits: SessionDescription.Limits) {
        self.limits = limits
        session.timings = []
    }

    mutating func consume(type: Unicode.Scalar, value: String, line: Int) throws(SDPError) {
        let letter = String(type)
        guard sawVersion else {
            guard type == "v" else { throw .missingLine(type: "v") }
            guard Lex.same(Lex.trim(value), "0") else {
                throw .unsupportedVersion(line: line, version: SDPError.clip(value))
            }
            sawVersion = true
            return
        }
        if current != nil, "vostrzuep".unicodeScalars.contains(type) {
            throw .misplacedLine(line: line, type: letter)
        }
        switch type {
        case "v":
            throw .misplacedLine(line: line, type: letter)
        case "o":
            guard !sawOrigin else { throw .misplacedLine(line: line, type: letter) }
            session.origin = try parseOrigin(value, line: line)
            sawOrigin = true
        case "s":
            guard !sawName else { throw .misplacedLine(line: line, type: letter) }
            session.sessionName = value
            sawName = true
        case "t":
            session.timings.append(try parseTiming(value, line: line))
        case "r":
            guard !session.timings.isEmpty else { throw .misplacedLine(line: line, type: letter) }
            session.timings[session.timings.count - 1].repeats.append(value)
        case "z":
            guard session.timeZones == nil else { throw .misplacedLine(line: line, type: letter) }
            session.timeZones = value
        case "u":
            guard session.uri == nil else { throw .misplacedLine(line: line, type: letter) }
            session.uri = value
        case "e":
            session.emails.append(value)
        case "p":
            session.phones.append(value)
        case "m":
            try finishMedia()
            guard session.media.count < limits.maxMediaSections else {
                throw .tooManyMediaSections(count: session.media.count + 1, limit: limits.maxMediaSections)
            }
            current = try parseMediaLine(value, line: line)
        case "i", "c", "b", "k":
            try consumeSectionLine(type: type, value: value, line: line)
        case "a":
            let (name, attributeValue) = Lex.splitOnce(value, at: ":")
            if current != nil {
                try applyMediaAttribute(name: name, value: attributeValue, line: line)
            } else {
                try applySessionAttribute(name: name, value: attributeValue, line: line)
            }
        default:
            throw .unknownLineType(line: line, type: letter)
        }
    }

    /// `i=`, `c=`, `b=`, `k=`: allowed at session level and in media sections.
    private mutating func consumeSectionLine(type: Unicode.Scalar, value: String, line: Int) throws(SDPError) {
        let letter = String(type)
        if var media = current {
            current = nil
            defer { current = media }
            switch type {
            case "i":
                guard media.information == nil else { throw .misplacedLine(line: line, type: letter) }
                media.information = value
            case "c":
                media.connections.append(try parseConnection(value, line: line))
            case "b":
                media.bandwidths.append(try parseBandwidth(value, line: line))
            default:
                guard media.encryptionKey == nil else { throw .misplacedLine(line: line, type: letter) }
                media.encryptionKey = value
            }
            return
        }
        switch type {
        case "i":
            guard session.information == nil else { throw .misplacedLine(line: line, type: letter) }
            session.information = value
        case "c":
            guard session.connection == nil else { throw .misplacedLine(line: line, type: letter) }
            session.connection = try parseConnection(value, line: line)
        case "b":
            session.bandwidths.append(try parseBandwidth(value, line: line))
        default:
            guard session.encryptionKey == nil else { throw .misplacedLine(line: line, type: letter) }
            session.encryptionKey = value
        }
    }

    /// Records a single-valued attribute, throwing on its second occurrence.
    mutating func once(_ name: String, line: Int) throws(SDPError) {
        guard seen.insert(name).inserted else { throw .duplicateAttribute(line: line, name: name) }
    }

    private mutating func finishMedia() throws(SDPError) {
        guard var media = current else { return }
        media.normalizeRTPOrder()
        session.media.append(media)
        current = nil
        seen = []
    }

    mutating func finish() throws(SDPError) -> SessionDescription {
        try finishMedia()
        guard sawVersion else { throw .missingLine(type: "v") }
        guard sawOrigin else { throw .missingLine(type: "o") }
        guard sawName else { throw .missingLine(type: "s") }
        guard !session.timings.isEmpty else { throw .missingLine(type: "t") }
        return session
    }
}

extension MediaDescription {
    /// Orders `rtpMaps`, `rtcpFeedback` and `formatParameters` by the position
    /// of their payload type on the `m=` line (stable; others last), which is
    /// the order the serializer writes them in.
    mutating func normalizeRTPOrder() {
        var position: [UInt8: Int] = [:]
        for (index, payloadType) in payloadTypes.enumerated() where position[payloadType] == nil {
            position[payloadType] = index
        }
        func key(_ payloadType: UInt8?) -> Int {
            payloadType.flatMap { position[$0] } ?? Int.max
        }
        rtpMaps = stableSorted(rtpMaps) { key($0.payloadType) }
        rtcpFeedback = stableSorted(rtcpFeedback) { key($0.payloadType) }
        formatParameters = stableSorted(formatParameters) { key($0.payloadType) }
    }
}

func stableSorted<T>(_ items: [T], by key: (T) -> Int) -> [T] {
    items.enumerated()
        .sorted { lhs, rhs in
            let (left, right) = (key(lhs.element), key(rhs.element))
            return left != right ? left < right : lhs.offset < rhs.offset
        }
        .map(\.element)
}
