/// Everything that can go wrong while parsing a session description or
/// building an answer or offer from one.
///
/// Parse errors carry the 1-based line number of the offending line (counting
/// every line of the input, including empty ones) and the field that was
/// wrong. Values echoed back are truncated to ``SDPError/maxEchoedValueLength``
/// characters so an error never carries a huge hostile string around.
public enum SDPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input is longer than ``SessionDescription/Limits/maxLength``.
    case tooLarge(size: Int, limit: Int)
    /// The input has more media sections than ``SessionDescription/Limits/maxMediaSections``.
    case tooManyMediaSections(count: Int, limit: Int)
    /// A line is not of the form `<type>=<value>` (RFC 8866 §5).
    case malformedLine(line: Int, text: String)
    /// A line type letter this parser does not know (RFC 8866 §5: such a
    /// description must be rejected as a whole).
    case unknownLineType(line: Int, type: String)
    /// A known line in a place it may not appear (e.g. `o=` inside a media
    /// section, or a second `v=`).
    case misplacedLine(line: Int, type: String)
    /// A mandatory line (`v=`, `o=`, `s=`, `t=`) is absent.
    case missingLine(type: String)
    /// `v=` is not `0`.
    case unsupportedVersion(line: Int, version: String)
    /// A field of a line could not be parsed: `field` names it (e.g.
    /// `"rtpmap payload type"`), `value` is what was found.
    case invalidField(line: Int, field: String, value: String)
    /// A single-valued attribute (e.g. `a=mid`, `a=setup`, a direction)
    /// appears twice in the same section.
    case duplicateAttribute(line: Int, name: String)
    /// A description lacks an attribute the operation needs (e.g. an offer
    /// with no `a=ice-ufrag`); `mid` names the media section when there is one.
    case missingAttribute(name: String, mid: String?)
    /// A value given to a builder cannot be written into SDP (e.g. a stream
    /// id with spaces or line breaks).
    case invalidParameter(name: String, value: String)

    /// The longest value an error echoes back.
    public static let maxEchoedValueLength = 64

    static func clip(_ value: some StringProtocol) -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars.prefix(maxEchoedValueLength) { out.append(scalar) }
        return String(out)
    }

    public var description: String {
        switch self {
        case let .tooLarge(size, limit):
            return "SDP of \(size) bytes exceeds the limit of \(limit)"
        case let .tooManyMediaSections(count, limit):
            return "SDP has \(count) media sections, more than the limit of \(limit)"
        case let .malformedLine(line, text):
            return "line \(line): not a <type>=<value> line: \(text)"
        case let .unknownLineType(line, type):
            return "line \(line): unknown line type '\(type)='"
        case let .misplacedLine(line, type):
            return "line \(line): '\(type)=' line not allowed here"
        case let .missingLine(type):
            return "mandatory '\(type)=' line is missing"
        case let .unsupportedVersion(line, version):
            return "line \(line): unsupported SDP version \(version)"
        case let .invalidField(line, field, value):
            return "line \(line): invalid \(field): '\(value)'"
        case let .duplicateAttribute(line, name):
            return "line \(line): attribute a=\(name) appears twice"
        case let .missingAttribute(name, mid):
            return "missing a=\(name)" + (mid.map { " in media section mid=\($0)" } ?? "")
        case let .invalidParameter(name, value):
            return "invalid \(name) for SDP: '\(value)'"
        }
    }
}
