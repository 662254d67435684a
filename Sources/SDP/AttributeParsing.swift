// Dispatch of `a=<name>[:<value>]` lines (RFC 8866 §5.13) to the typed
// fields. A property attribute (no value) is only recognized without a
// colon; `a=rtcp-mux:x`, like every attribute this parser has no field for,
// is kept verbatim in `attributes`.

extension SDPParser {
    mutating func applySessionAttribute(name: String, value: String?, line: Int) throws(SDPError) {
        if let value {
            switch name {
            case "group":
                session.groups.append(try MediaGroup(parsing: value, line: line))
            case "msid-semantic":
                try once(name, line: line)
                session.msidSemantic = try MSIDSemantic(parsing: value, line: line)
            case "ice-ufrag":
                try once(name, line: line)
                session.iceUfrag = Lex.trim(value)
            case "ice-pwd":
                try once(name, line: line)
                session.icePwd = Lex.trim(value)
            case "ice-options":
                session.iceOptions += Lex.fields(value)
            case "fingerprint":
                session.fingerprints.append(try Fingerprint(parsing: value, line: line))
            case "setup":
                try once(name, line: line)
                session.setup = try parseSetup(value, line: line)
            case "extmap":
                session.extensions.append(try ExtensionMap(parsing: value, line: line))
            default:
                session.attributes.append(Attribute(name: name, value: value))
            }
            return
        }
        if let direction = Direction(rawValue: name) {
            try once("direction", line: line)
            session.direction = direction
            return
        }
        switch name {
        case "ice-lite": session.iceLite = true
        case "extmap-allow-mixed": session.extmapAllowMixed = true
        default: session.attributes.append(Attribute(name: name, value: nil))
        }
    }

    mutating func applyMediaAttribute(name: String, value: String?, line: Int) throws(SDPError) {
        guard var media = current else { return }
        current = nil
        defer { current = media }
        guard let value else {
            if let direction = Direction(rawValue: name) {
                try once("direction", line: line)
                media.direction = direction
                return
            }
            switch name {
            case "rtcp-mux": media.rtcpMux = true
            case "rtcp-rsize": media.rtcpReducedSize = true
            case "extmap-allow-mixed": media.extmapAllowMixed = true
            case "end-of-candidates": media.endOfCandidates = true
            case "ice-lite": media.iceLite = true
            case "bundle-only": media.bundleOnly = true
            default: media.attributes.append(Attribute(name: name, value: nil))
            }
            return
        }
        switch name {
        case "mid":
            try once(name, line: line)
            let mid = Lex.trim(value)
            // RFC 5888 §4: identification-tag = token
            guard Lex.isToken(mid) else { throw .invalidField(line: line, field: "mid", value: SDPError.clip(value)) }
            media.mid = mid
        case "msid":
            media.msids.append(try MediaStreamID(parsing: value, line: line))
        case "rtcp":
            try once(name, line: line)
            media.rtcp = try parseRTCP(value, line: line)
        case "rtpmap":
            media.rtpMaps.append(try RTPMap(parsing: value, line: line))
        case "fmtp":
            if let parameters = try FormatParameters(parsing: value, line: line) {
                media.formatParameters.append(parameters)
            } else {
                media.attributes.append(Attribute(name: name, value: value))
            }
        case "rtcp-fb":
            media.rtcpFeedback.append(try RTCPFeedback(parsing: value, line: line))
        case "extmap":
            media.extensions.append(try ExtensionMap(parsing: value, line: line))
        case "ssrc":
            media.ssrcs.append(try SSRCAttribute(parsing: value, line: line))
        case "ssrc-group":
            media.ssrcGroups.append(try SSRCGroup(parsing: value, line: line))
        case "rid":
            media.rids.append(try RID(parsing: value, line: line))
        case "simulcast":
            try once(name, line: line)
            media.simulcast = try Simulcast(parsing: value, line: line)
        case "candidate":
            media.candidates.append(try ICECandidate(attributeValue: value, line: line))
        case "ice-ufrag":
            try once(name, line: line)
            media.iceUfrag = Lex.trim(value)
        case "ice-pwd":
            try once(name, line: line)
            media.icePwd = Lex.trim(value)
        case "ice-options":
            media.iceOptions += Lex.fields(value)
        case "fingerprint":
            media.fingerprints.append(try Fingerprint(parsing: value, line: line))
        case "setup":
            try once(name, line: line)
            media.setup = try parseSetup(value, line: line)
        default:
            media.attributes.append(Attribute(name: name, value: value))
        }
    }

    private func parseSetup(_ value: String, line: Int) throws(SDPError) -> SetupRole {
        guard let role = SetupRole(rawValue: Lex.trim(value)) else {
            throw .invalidField(line: line, field: "setup", value: SDPError.clip(value))
        }
        return role
    }

    /// `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]` (RFC 3605 §2.1)
    private func parseRTCP(_ value: String, line: Int) throws(SDPError) -> RTCPAddress {
        let fields = Lex.fields(value)
        guard fields.count == 1 || fields.count == 4, let port = Lex.unsigned(fields[0], as: UInt16.self) else {
            throw .invalidField(line: line, field: "rtcp", value: SDPError.clip(value))
        }
        let connection = fields.count == 4
            ? ConnectionData(networkType: fields[1], addressType: fields[2], address: fields[3]) : nil
        return RTCPAddress(port: port, connection: connection)
    }
}
