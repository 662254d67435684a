// Parsers for the non-attribute lines (RFC 8866 §5).

extension SDPParser {
    /// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (§5.2)
    func parseOrigin(_ value: String, line: Int) throws(SDPError) -> Origin {
        let fields = Lex.fields(value)
        guard fields.count == 6 else {
            throw .invalidField(line: line, field: "origin", value: SDPError.clip(value))
        }
        guard let id = Lex.unsigned(fields[1], as: UInt64.self) else {
            throw .invalidField(line: line, field: "origin sess-id", value: SDPError.clip(fields[1]))
        }
        guard let version = Lex.unsigned(fields[2], as: UInt64.self) else {
            throw .invalidField(line: line, field: "origin sess-version", value: SDPError.clip(fields[2]))
        }
        return Origin(
            username: fields[0], sessionID: id, sessionVersion: version,
            networkType: fields[3], addressType: fields[4], address: fields[5]
        )
    }

    /// `t=<start-time> <stop-time>` (§5.9)
    func parseTiming(_ value: String, line: Int) throws(SDPError) -> Timing {
        let fields = Lex.fields(value)
        guard fields.count == 2,
              let start = Lex.unsigned(fields[0], as: UInt64.self),
              let stop = Lex.unsigned(fields[1], as: UInt64.self)
        else {
            throw .invalidField(line: line, field: "timing", value: SDPError.clip(value))
        }
        return Timing(start: start, stop: stop)
    }

    /// `c=<nettype> <addrtype> <connection-address>` (§5.7)
    func parseConnection(_ value: String, line: Int) throws(SDPError) -> ConnectionData {
        let fields = Lex.fields(value)
        guard fields.count == 3 else {
            throw .invalidField(line: line, field: "connection", value: SDPError.clip(value))
        }
        return ConnectionData(networkType: fields[0], addressType: fields[1], address: fields[2])
    }

    /// `b=<bwtype>:<bandwidth>` (§5.8)
    func parseBandwidth(_ value: String, line: Int) throws(SDPError) -> Bandwidth {
        let (type, amount) = Lex.splitOnce(Lex.trim(value), at: ":")
        guard Lex.isToken(type), let amount, let bits = Lex.unsigned(amount, as: UInt64.self) else {
            throw .invalidField(line: line, field: "bandwidth", value: SDPError.clip(value))
        }
        return Bandwidth(type: type, value: bits)
    }

    /// `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` (§5.14)
    ///
    /// For RTP profiles every `<fmt>` must be a payload type 0–127.
    func parseMediaLine(_ value: String, line: Int) throws(SDPError) -> MediaDescription {
        let fields = Lex.fields(value)
        guard fields.count >= 4 else {
            throw .invalidField(line: line, field: "media line", value: SDPError.clip(value))
        }
        let (portText, countText) = Lex.splitOnce(fields[1], at: "/")
        guard let port = Lex.unsigned(portText, as: UInt16.self) else {
            throw .invalidField(line: line, field: "media port", value: SDPError.clip(fields[1]))
        }
        var media = MediaDescription(
            kind: MediaKind(rawValue: fields[0]), port: port, proto: fields[2], formats: Array(fields[3...])
        )
        if let countText {
            guard let count = Lex.unsigned(countText, as: UInt16.self) else {
                throw .invalidField(line: line, field: "media number of ports", value: SDPError.clip(fields[1]))
            }
            media.numberOfPorts = count
        }
        if media.isRTP {
            for format in media.formats {
                _ = try parsePayloadType(format, line: line, field: "media payload type")
            }
        }
        return media
    }
}
