// RTP stream identifiers (RFC 8851) and simulcast (RFC 8853).

/// `a=rid:` (RFC 8851 §10):
///
/// ```
/// rid-syntax     = %s"a=rid:" rid-id SP rid-dir [ rid-pt-param-list / rid-param-list ]
/// rid-dir        = %s"send" / %s"recv"
/// rid-param-list = SP rid-param *(";" rid-param)      (first may be "pt=" fmt *("," fmt))
/// a=rid:q send
/// a=rid:h send pt=96,97;max-width=1280;max-height=720
/// ```
public struct RID: Sendable, Hashable {
    public var id: String
    public var direction: RIDDirection
    /// Restrictions in order, e.g. `pt=96,97`, `max-width=1280`.
    public var parameters: [RIDParameter]

    public init(id: String, direction: RIDDirection, parameters: [RIDParameter] = []) {
        self.id = id
        self.direction = direction
        self.parameters = parameters
    }

    init(parsing value: String, line: Int) throws(SDPError) {
        let (id, rest) = Lex.splitOnce(Lex.trim(value), at: Lex.space)
        let (directionText, parameterText) = Lex.splitOnce(Lex.trim(rest ?? ""), at: Lex.space)
        guard !id.isEmpty else {
            throw .invalidField(line: line, field: "rid id", value: SDPError.clip(value))
        }
        guard let direction = RIDDirection(rawValue: directionText) else {
            throw .invalidField(line: line, field: "rid direction", value: SDPError.clip(directionText))
        }
        self.id = id
        self.direction = direction
        parameters = Lex.split(parameterText ?? "", on: ";").compactMap { item -> RIDParameter? in
            let trimmed = Lex.trim(item)
            guard !trimmed.isEmpty else { return nil }
            let (name, value) = Lex.splitOnce(trimmed, at: "=")
            return RIDParameter(name: Lex.trim(name), value: value.map(Lex.trim))
        }
    }

    var sdpValue: String {
        var out = "\(id) \(direction.rawValue)"
        if !parameters.isEmpty {
            out += " " + parameters.map(\.text).joined(separator: ";")
        }
        return out
    }

    /// The payload types of a `pt=` restriction, or `[]` (no restriction).
    /// Entries that are not payload types are skipped.
    public var payloadTypes: [UInt8] {
        guard let list = parameters.first(where: { Lex.same($0.name, "pt") })?.value else { return [] }
        return Lex.split(list, on: ",").compactMap { Lex.unsigned(Lex.trim($0), as: UInt8.self) }
    }
}

/// Direction of an `a=rid` line.
public enum RIDDirection: String, Sendable, Hashable {
    case send, recv
}

/// One `name[=value]` restriction of an `a=rid` line.
public struct RIDParameter: Sendable, Hashable {
    public var name: String
    public var value: String?

    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }

    var text: String {
        value.map { "\(name)=\($0)" } ?? name
    }
}

/// `a=simulcast:` (RFC 8853 §5.1):
///
/// ```
/// sc-value     = ( sc-send [SP sc-recv] ) / ( sc-recv [SP sc-send] )
/// sc-send      = %s"send" SP sc-str-list
/// sc-recv      = %s"recv" SP sc-str-list
/// sc-str-list  = sc-alt-list *( ";" sc-alt-list )
/// sc-alt-list  = sc-id *( "," sc-id )
/// sc-id        = ["~"] rid-id
/// a=simulcast:send q;h;f
/// ```
///
/// Each stream is a list of alternative rids (usually one).
public struct Simulcast: Sendable, Hashable {
    public var send: [[SimulcastRID]]
    public var receive: [[SimulcastRID]]

    public init(send: [[SimulcastRID]] = [], receive: [[SimulcastRID]] = []) {
        self.send = send
        self.receive = receive
    }

    init(parsing value: String, line: Int) throws(SDPError) {
        let fields = Lex.fields(value)
        guard fields.count == 2 || fields.count == 4 else {
            throw .invalidField(line: line, field: "simulcast", value: SDPError.clip(value))
        }
        var send: [[SimulcastRID]]?
        var receive: [[SimulcastRID]]?
        for pair in stride(from: 0, to: fields.count, by: 2) {
            let streams = try Simulcast.parseList(fields[pair + 1], line: line)
            switch fields[pair] {
            case "send" where send == nil: send = streams
            case "recv" where receive == nil: receive = streams
            default:
                throw .invalidField(line: line, field: "simulcast direction", value: SDPError.clip(fields[pair]))
            }
        }
        self.send = send ?? []
        self.receive = receive ?? []
    }

    private static func parseList(_ text: String, line: Int) throws(SDPError) -> [[SimulcastRID]] {
        var streams: [[SimulcastRID]] = []
        for alternatives in Lex.split(text, on: ";") {
            var stream: [SimulcastRID] = []
            for item in Lex.split(alternatives, on: ",") {
                let paused = Lex.hasPrefix(item, "~")
                let rid = paused ? Lex.dropFirst(item, 1) : item
                guard !rid.isEmpty else {
                    throw .invalidField(line: line, field: "simulcast rid", value: SDPError.clip(text))
                }
                stream.append(SimulcastRID(rid: rid, paused: paused))
            }
            streams.append(stream)
        }
        return streams
    }

    var sdpValue: String {
        var parts: [String] = []
        if !send.isEmpty { parts.append("send " + Simulcast.listText(send)) }
        if !receive.isEmpty { parts.append("recv " + Simulcast.listText(receive)) }
        return parts.joined(separator: " ")
    }

    private static func listText(_ streams: [[SimulcastRID]]) -> String {
        streams.map { $0.map(\.text).joined(separator: ",") }.joined(separator: ";")
    }
}

/// One rid in an `a=simulcast` list; `paused` is the `~` prefix.
public struct SimulcastRID: Sendable, Hashable {
    public var rid: String
    public var paused: Bool

    public init(rid: String, paused: Bool = false) {
        self.rid = rid
        self.paused = paused
    }

    var text: String { (paused ? "~" : "") + rid }
}
