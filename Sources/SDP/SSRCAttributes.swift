// Source-specific media attributes (RFC 5576).

/// `a=ssrc:` (RFC 5576 §4.1):
///
/// ```
/// ssrc-attr = "ssrc:" ssrc-id SP attribute
/// attribute = att-field [":" att-value]
/// a=ssrc:3434285368 cname:jE+J/uRMCHk9FonS
/// a=ssrc:3434285368 msid:5f4fb3a3 7db826e1
/// ```
public struct SSRCAttribute: Sendable, Hashable {
    public var ssrc: UInt32
    /// The source attribute's name, e.g. `cname`, `msid`.
    public var name: String
    /// Its value (may contain spaces, e.g. msid), `nil` for a bare name.
    public var value: String?

    public init(ssrc: UInt32, name: String, value: String? = nil) {
        self.ssrc = ssrc
        self.name = name
        self.value = value
    }

    init(parsing value: String, line: Int) throws(SDPError) {
        let (idText, rest) = Lex.splitOnce(Lex.trim(value), at: Lex.space)
        guard let ssrc = Lex.unsigned(idText, as: UInt32.self) else {
            throw .invalidField(line: line, field: "ssrc id", value: SDPError.clip(idText))
        }
        let attribute = Lex.trim(rest ?? "")
        let (name, attributeValue) = Lex.splitOnce(attribute, at: ":")
        guard !name.isEmpty else {
            throw .invalidField(line: line, field: "ssrc attribute", value: SDPError.clip(value))
        }
        self.ssrc = ssrc
        self.name = name
        self.value = attributeValue
    }

    var sdpValue: String {
        "\(ssrc) \(name)" + (value.map { ":\($0)" } ?? "")
    }
}

/// `a=ssrc-group:` (RFC 5576 §4.2):
///
/// ```
/// ssrc-group-attr = "ssrc-group:" semantics *(SP ssrc-id)
/// a=ssrc-group:FID 1690996722 162327131      (RFC 4588 §8: primary, then RTX)
/// a=ssrc-group:SIM 1 2 3                     (simulcast layers, low to high)
/// ```
public struct SSRCGroup: Sendable, Hashable {
    public var semantics: String
    public var ssrcs: [UInt32]

    public init(semantics: String, ssrcs: [UInt32]) {
        self.semantics = semantics
        self.ssrcs = ssrcs
    }

    /// Retransmission flow: `[primary, rtx]` (RFC 4588 §8).
    public static let fid = "FID"
    /// Simulcast layers (Chrome's legacy SSRC-based simulcast).
    public static let sim = "SIM"
    /// FEC flow (RFC 5956 §4.3).
    public static let fecFR = "FEC-FR"

    init(parsing value: String, line: Int) throws(SDPError) {
        let fields = Lex.fields(value)
        guard let semantics = fields.first else {
            throw .invalidField(line: line, field: "ssrc-group semantics", value: SDPError.clip(value))
        }
        var ssrcs: [UInt32] = []
        for field in fields.dropFirst() {
            guard let ssrc = Lex.unsigned(field, as: UInt32.self) else {
                throw .invalidField(line: line, field: "ssrc-group ssrc", value: SDPError.clip(field))
            }
            ssrcs.append(ssrc)
        }
        self.semantics = semantics
        self.ssrcs = ssrcs
    }

    var sdpValue: String {
        ([semantics] + ssrcs.map { "\($0)" }).joined(separator: " ")
    }
}
