/// An ICE candidate, `a=candidate:` (RFC 8839 §5.1, TCP from RFC 6544 §4.5):
///
/// ```
/// candidate-attribute = "candidate" ":" foundation SP component-id SP
///                       transport SP priority SP connection-address SP port
///                       SP "typ" SP cand-type
///                       [SP "raddr" SP connection-address] [SP "rport" SP port]
///                       *(SP extension-att-name SP extension-att-value)
/// a=candidate:324474897 1 udp 2122260223 127.0.0.1 45171 typ host generation 0
/// a=candidate:3992833157 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active
/// ```
///
/// `raddr`, `rport` and `tcptype` are typed wherever they appear among the
/// trailing name/value pairs; all other pairs stay in ``extensions`` in order.
public struct ICECandidate: Sendable, Hashable {
    public var foundation: String
    /// 1 for RTP (the only component with rtcp-mux).
    public var component: UInt16
    /// `udp` or `tcp` (stored lower-case; matching is case-insensitive).
    public var transport: CandidateTransport
    public var priority: UInt32
    /// An IP address, or an mDNS name (`<uuid>.local`).
    public var address: String
    public var port: UInt16
    public var type: CandidateType
    public var relatedAddress: String?
    public var relatedPort: UInt16?
    public var tcpType: TCPCandidateType?
    public var extensions: [CandidateExtension]

    public init(
        foundation: String, component: UInt16 = 1, transport: CandidateTransport, priority: UInt32,
        address: String, port: UInt16, type: CandidateType,
        relatedAddress: String? = nil, relatedPort: UInt16? = nil,
        tcpType: TCPCandidateType? = nil, extensions: [CandidateExtension] = []
    ) {
        self.foundation = foundation
        self.component = component
        self.transport = transport
        self.priority = priority
        self.address = address
        self.port = port
        self.type = type
        self.relatedAddress = relatedAddress
        self.relatedPort = relatedPort
        self.tcpType = tcpType
        self.extensions = extensions
    }

    /// A host candidate for an ICE-lite server (RFC 8445 §5.1.2.1 priority
    /// with type preference 126; TCP candidates are `tcptype passive` with the
    /// RFC 6544 §4.2 local preference, so UDP is preferred).
    public static func host(
        address: String, port: UInt16, transport: CandidateTransport = .udp, foundation: String? = nil
    ) -> ICECandidate {
        let isTCP = transport == .tcp
        let localPreference: UInt32 = isTCP ? (4 << 13) | 8191 : 65535
        let priority: UInt32 = (126 << 24) | (localPreference << 8) | (256 - 1)
        return ICECandidate(
            foundation: foundation ?? (isTCP ? "2" : "1"), transport: transport, priority: priority,
            address: address, port: port, type: .host, tcpType: isTCP ? .passive : nil
        )
    }

    /// Parses a candidate as found in SDP (`a=candidate:...`), in a trickled
    /// `RTCIceCandidate.candidate` string (`candidate:...`), or bare.
    public init(parsing text: String) throws(SDPError) {
        var value = Lex.trim(text)
        if Lex.hasPrefix(value, "a=") { value = Lex.dropFirst(value, 2) }
        if Lex.hasPrefix(value, "candidate:") { value = Lex.dropFirst(value, 10) }
        try self.init(attributeValue: value, line: 0)
    }

    /// Parses the value of an `a=candidate:` line (no prefix stripping).
    init(attributeValue value: String, line: Int) throws(SDPError) {
        let fields = Lex.fields(value)
        guard fields.count >= 8, fields.count % 2 == 0, Lex.same(fields[6], "typ") else {
            throw .invalidField(line: line, field: "candidate", value: SDPError.clip(value))
        }
        func number<T: FixedWidthInteger & UnsignedInteger>(_ index: Int, _ name: String) throws(SDPError) -> T {
            guard let parsed = Lex.unsigned(fields[index], as: T.self) else {
                throw .invalidField(line: line, field: "candidate \(name)", value: SDPError.clip(fields[index]))
            }
            return parsed
        }
        foundation = fields[0]
        component = try number(1, "component")
        transport = CandidateTransport(rawValue: Lex.lowercased(fields[2]))
        priority = try number(3, "priority")
        address = fields[4]
        port = try number(5, "port")
        type = CandidateType(rawValue: fields[7])
        relatedAddress = nil
        relatedPort = nil
        tcpType = nil
        extensions = []
        for index in stride(from: 8, to: fields.count, by: 2) {
            let name = fields[index], item = fields[index + 1]
            switch name {
            case "raddr" where relatedAddress == nil:
                relatedAddress = item
            case "rport" where relatedPort == nil:
                relatedPort = try number(index + 1, "rport")
            case "tcptype" where tcpType == nil:
                guard let kind = TCPCandidateType(rawValue: item) else {
                    throw .invalidField(line: line, field: "candidate tcptype", value: SDPError.clip(item))
                }
                tcpType = kind
            case "raddr", "rport", "tcptype":
                throw .invalidField(line: line, field: "candidate \(name) (repeated)", value: SDPError.clip(item))
            default:
                extensions.append(CandidateExtension(name: name, value: item))
            }
        }
    }

    /// The attribute value (what follows `a=candidate:`).
    public var attributeValue: String {
        var out = "\(foundation) \(component) \(transport.rawValue) \(priority) \(address) \(port) typ \(type.rawValue)"
        if let relatedAddress { out += " raddr \(relatedAddress)" }
        if let relatedPort { out += " rport \(relatedPort)" }
        if let tcpType { out += " tcptype \(tcpType.rawValue)" }
        for pair in extensions { out += " \(pair.name) \(pair.value)" }
        return out
    }

    /// The string a browser's `RTCIceCandidate.candidate` holds: `candidate:...`.
    public var candidateString: String { "candidate:" + attributeValue }
}

/// The transport of a candidate (`udp`, `tcp`, or an extension).
public struct CandidateTransport: RawRepresentable, Sendable, Hashable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let udp = CandidateTransport(rawValue: "udp")
    public static let tcp = CandidateTransport(rawValue: "tcp")
}

/// `typ` of a candidate (RFC 8839 §5.1): host, srflx, prflx, relay, or a token.
public struct CandidateType: RawRepresentable, Sendable, Hashable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let host = CandidateType(rawValue: "host")
    public static let serverReflexive = CandidateType(rawValue: "srflx")
    public static let peerReflexive = CandidateType(rawValue: "prflx")
    public static let relay = CandidateType(rawValue: "relay")
}

/// RFC 6544 §4.5 `tcptype`.
public enum TCPCandidateType: String, Sendable, Hashable {
    case active, passive
    case simultaneousOpen = "so"
}

/// A trailing `name value` pair of a candidate (e.g. `generation 0`).
public struct CandidateExtension: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
