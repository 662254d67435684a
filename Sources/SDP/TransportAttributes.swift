// DTLS and ICE transport attributes.

/// `a=fingerprint:` (RFC 8122 §5):
///
/// ```
/// fingerprint-attribute = "fingerprint" ":" hash-func SP fingerprint
/// hash-func             = "sha-1" / "sha-224" / "sha-256" / "sha-384" / "sha-512" / token
/// fingerprint           = 2UHEX *(":" 2UHEX)
/// a=fingerprint:sha-256 5B:11:2D:...:DA:96
/// ```
///
/// Hex digits are accepted in either case and written upper-case; the hash
/// function name is stored lower-case.
public struct Fingerprint: Sendable, Hashable {
    /// Lower-case hash function name, e.g. `sha-256`.
    public var hashFunction: String
    /// The certificate digest.
    public var bytes: [UInt8]

    public init(hashFunction: String, bytes: [UInt8]) {
        self.hashFunction = Lex.lowercased(hashFunction)
        self.bytes = bytes
    }

    /// Parses `sha-256 AB:CD:...` (the attribute value).
    public init(parsing value: String, line: Int = 0) throws(SDPError) {
        let fields = Lex.fields(value)
        guard fields.count == 2, !fields[0].isEmpty else {
            throw .invalidField(line: line, field: "fingerprint", value: SDPError.clip(value))
        }
        var bytes: [UInt8] = []
        for pair in Lex.split(fields[1], on: ":") {
            let digits = Array(pair.unicodeScalars)
            guard digits.count == 2, let high = Fingerprint.hexValue(digits[0]), let low = Fingerprint.hexValue(digits[1])
            else {
                throw .invalidField(line: line, field: "fingerprint digest", value: SDPError.clip(fields[1]))
            }
            bytes.append(high << 4 | low)
        }
        self.init(hashFunction: fields[0], bytes: bytes)
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar.value {
        case 0x30...0x39: return UInt8(truncatingIfNeeded: scalar.value - 0x30)
        case 0x41...0x46: return UInt8(truncatingIfNeeded: scalar.value - 0x41 + 10)
        case 0x61...0x66: return UInt8(truncatingIfNeeded: scalar.value - 0x61 + 10)
        default: return nil
        }
    }

    /// The digest as `AB:CD:...`.
    public var hexDigest: String {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        var out = String.UnicodeScalarView()
        for (index, byte) in bytes.enumerated() {
            if index > 0 { out.append(":") }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(out)
    }

    var sdpValue: String { "\(hashFunction) \(hexDigest)" }
}

/// `a=setup:` (RFC 4145 §4, for DTLS-SRTP RFC 5763 §5): which side opens
/// the DTLS connection. Offers say `actpass`; answers pick `active` or
/// `passive`.
public enum SetupRole: String, Sendable, Hashable {
    case active, passive, actpass, holdconn
}

/// The ICE username fragment and password of one side (RFC 8839 §5.4).
public struct ICECredentials: Sendable, Hashable {
    public var ufrag: String
    public var pwd: String

    public init(ufrag: String, pwd: String) {
        self.ufrag = ufrag
        self.pwd = pwd
    }
}

/// `a=group:` (RFC 5888 §5): `BUNDLE 0 1 2` (RFC 9143), `LS 1 2`.
public struct MediaGroup: Sendable, Hashable {
    public var semantics: String
    public var mids: [String]

    public init(semantics: String, mids: [String]) {
        self.semantics = semantics
        self.mids = mids
    }

    /// A BUNDLE group (RFC 9143); the first mid is the tagged section.
    public static func bundle(_ mids: [String]) -> MediaGroup {
        MediaGroup(semantics: "BUNDLE", mids: mids)
    }

    init(parsing value: String, line: Int) throws(SDPError) {
        let fields = Lex.fields(value)
        guard let semantics = fields.first else {
            throw .invalidField(line: line, field: "group semantics", value: SDPError.clip(value))
        }
        self.semantics = semantics
        mids = Array(fields.dropFirst())
    }

    var sdpValue: String { ([semantics] + mids).joined(separator: " ") }
}

/// `a=msid:` (RFC 8830 §2): `<stream id> [<track id>]`. Chrome writes `-`
/// as the stream id for a track without a stream.
public struct MediaStreamID: Sendable, Hashable {
    public var streamID: String
    public var trackID: String?

    public init(streamID: String, trackID: String? = nil) {
        self.streamID = streamID
        self.trackID = trackID
    }

    init(parsing value: String, line: Int) throws(SDPError) {
        let fields = Lex.fields(value)
        guard fields.count == 1 || fields.count == 2 else {
            throw .invalidField(line: line, field: "msid", value: SDPError.clip(value))
        }
        streamID = fields[0]
        trackID = fields.count == 2 ? fields[1] : nil
    }

    var sdpValue: String { trackID.map { "\(streamID) \($0)" } ?? streamID }
}

/// `a=msid-semantic:` (older msid drafts, still written by Chrome):
/// `WMS [stream ids | *]`.
public struct MSIDSemantic: Sendable, Hashable {
    public var semantic: String
    public var identifiers: [String]

    public init(semantic: String = "WMS", identifiers: [String] = []) {
        self.semantic = semantic
        self.identifiers = identifiers
    }

    init(parsing value: String, line: Int) throws(SDPError) {
        let fields = Lex.fields(value)
        guard let semantic = fields.first else {
            throw .invalidField(line: line, field: "msid-semantic", value: SDPError.clip(value))
        }
        self.semantic = semantic
        identifiers = Array(fields.dropFirst())
    }

    /// Written as Chrome writes it: `a=msid-semantic: WMS ...`.
    var sdpValue: String { " " + ([semantic] + identifiers).joined(separator: " ") }
}
