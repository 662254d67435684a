// Writes a description back as RFC 8866 text with CRLF line ends, lines in
// the order of RFC 8866 §5 and attributes in the order Chrome writes them;
// attributes without a typed field follow the typed ones of their section,
// in their original order.
//
// The serializer does not validate: values set through the API are written
// as given (the builders validate what they put in).

extension SessionDescription {
    /// The description as SDP text, every line ended by CRLF.
    public func serialize() -> String {
        var out = SDPWriter()
        out.line("v", "0")
        out.line("o", "\(origin.username) \(origin.sessionID) \(origin.sessionVersion) "
            + "\(origin.networkType) \(origin.addressType) \(origin.address)")
        out.line("s", sessionName)
        if let information { out.line("i", information) }
        if let uri { out.line("u", uri) }
        for email in emails { out.line("e", email) }
        for phone in phones { out.line("p", phone) }
        if let connection { out.line("c", connection.sdpValue) }
        for bandwidth in bandwidths { out.line("b", bandwidth.sdpValue) }
        for timing in timings {
            out.line("t", "\(timing.start) \(timing.stop)")
            for repeatLine in timing.repeats { out.line("r", repeatLine) }
        }
        if let timeZones { out.line("z", timeZones) }
        if let encryptionKey { out.line("k", encryptionKey) }

        for group in groups { out.attribute("group", group.sdpValue) }
        if iceLite { out.attribute("ice-lite") }
        if let iceUfrag { out.attribute("ice-ufrag", iceUfrag) }
        if let icePwd { out.attribute("ice-pwd", icePwd) }
        if !iceOptions.isEmpty { out.attribute("ice-options", iceOptions.joined(separator: " ")) }
        for fingerprint in fingerprints { out.attribute("fingerprint", fingerprint.sdpValue) }
        if let setup { out.attribute("setup", setup.rawValue) }
        if extmapAllowMixed { out.attribute("extmap-allow-mixed") }
        if let msidSemantic { out.attribute("msid-semantic", msidSemantic.sdpValue) }
        for map in extensions { out.attribute("extmap", map.sdpValue) }
        if let direction { out.attribute(direction.rawValue) }
        for attribute in attributes { out.attribute(attribute.name, attribute.value) }

        for section in media { section.write(into: &out) }
        return out.text
    }
}

extension MediaDescription {
    func write(into out: inout SDPWriter) {
        let port = numberOfPorts.map { "\(self.port)/\($0)" } ?? "\(self.port)"
        out.line("m", ([kind.rawValue, port, proto] + formats).joined(separator: " "))
        if let information { out.line("i", information) }
        for connection in connections { out.line("c", connection.sdpValue) }
        for bandwidth in bandwidths { out.line("b", bandwidth.sdpValue) }
        if let encryptionKey { out.line("k", encryptionKey) }

        if let rtcp { out.attribute("rtcp", rtcp.sdpValue) }
        for candidate in candidates { out.attribute("candidate", candidate.attributeValue) }
        if endOfCandidates { out.attribute("end-of-candidates") }
        if iceLite { out.attribute("ice-lite") }
        if let iceUfrag { out.attribute("ice-ufrag", iceUfrag) }
        if let icePwd { out.attribute("ice-pwd", icePwd) }
        if !iceOptions.isEmpty { out.attribute("ice-options", iceOptions.joined(separator: " ")) }
        for fingerprint in fingerprints { out.attribute("fingerprint", fingerprint.sdpValue) }
        if let setup { out.attribute("setup", setup.rawValue) }
        if let mid { out.attribute("mid", mid) }
        if bundleOnly { out.attribute("bundle-only") }
        if extmapAllowMixed { out.attribute("extmap-allow-mixed") }
        for map in extensions { out.attribute("extmap", map.sdpValue) }
        if let direction { out.attribute(direction.rawValue) }
        for msid in msids { out.attribute("msid", msid.sdpValue) }
        if rtcpMux { out.attribute("rtcp-mux") }
        if rtcpReducedSize { out.attribute("rtcp-rsize") }
        writeFormats(into: &out)
        for group in ssrcGroups { out.attribute("ssrc-group", group.sdpValue) }
        for ssrc in ssrcs { out.attribute("ssrc", ssrc.sdpValue) }
        for rid in rids { out.attribute("rid", rid.sdpValue) }
        if let simulcast { out.attribute("simulcast", simulcast.sdpValue) }
        for attribute in attributes { out.attribute(attribute.name, attribute.value) }
    }

    /// rtpmap, rtcp-fb and fmtp grouped per payload type in `m=` line order,
    /// then those for payload types not on the line (and `rtcp-fb:*`).
    private func writeFormats(into out: inout SDPWriter) {
        var written = Set<UInt8>()
        for payloadType in payloadTypes where written.insert(payloadType).inserted {
            for map in rtpMaps where map.payloadType == payloadType { out.attribute("rtpmap", map.sdpValue) }
            for feedback in rtcpFeedback where feedback.payloadType == payloadType {
                out.attribute("rtcp-fb", feedback.sdpValue)
            }
            for parameters in formatParameters where parameters.payloadType == payloadType {
                out.attribute("fmtp", parameters.sdpValue)
            }
        }
        for map in rtpMaps where !written.contains(map.payloadType) { out.attribute("rtpmap", map.sdpValue) }
        for feedback in rtcpFeedback where !(feedback.payloadType.map(written.contains) ?? false) {
            out.attribute("rtcp-fb", feedback.sdpValue)
        }
        for parameters in formatParameters where !written.contains(parameters.payloadType) {
            out.attribute("fmtp", parameters.sdpValue)
        }
    }
}

extension ConnectionData {
    var sdpValue: String { "\(networkType) \(addressType) \(address)" }
}

extension Bandwidth {
    var sdpValue: String { "\(type):\(value)" }
}

extension RTCPAddress {
    var sdpValue: String { connection.map { "\(port) \($0.sdpValue)" } ?? "\(port)" }
}

/// Accumulates CRLF-terminated lines.
struct SDPWriter {
    private(set) var text = ""

    mutating func line(_ type: String, _ value: String) {
        text += type
        text += "="
        text += value
        text += "\r\n"
    }

    mutating func attribute(_ name: String, _ value: String? = nil) {
        line("a", value.map { "\(name):\($0)" } ?? name)
    }
}
