import ControlPlane

/// Client messages of the EdgeMesh protocol (PROTOCOL.md "client → server")
/// that a load participant sends, as JSON text.
public enum ClientSignal {
    /// `{"type":"offer","target":"publisher","sdp":…}`
    public static func publisherOffer(sdp: String) -> String {
        JSONValue.object(["type": "offer", "target": "publisher", "sdp": .string(sdp)]).serialized()
    }

    /// `{"type":"answer","target":"subscriber","sdp":…}`
    public static func subscriberAnswer(sdp: String) -> String {
        JSONValue.object(["type": "answer", "target": "subscriber", "sdp": .string(sdp)]).serialized()
    }

    /// `{"type":"subscribe","trackIds":[…],"subscribed":true,"quality":…}`:
    /// subscribe to `trackIDs` with a preferred simulcast layer (PROTOCOL.md).
    public static func subscribe(trackIDs: [String], quality: TrackQuality?) -> String {
        var object: JSONObject = [
            "type": "subscribe", "trackIds": .array(trackIDs.map { .string($0) }), "subscribed": .bool(true),
        ]
        if let quality { object["quality"] = .string(quality.rawValue) }
        return JSONValue.object(object).serialized()
    }

    /// `{"type":"leave"}`
    public static let leave = JSONValue.object(["type": "leave"]).serialized()
}

/// A server message of the EdgeMesh protocol (PROTOCOL.md "server → client"),
/// reduced to what a load participant acts on.
public enum ServerSignal: Sendable, Equatable {
    /// `joined`: our participant id, the node and region we were placed on,
    /// and the ids of the tracks the other participants already publish.
    case joined(participantID: String, node: String, region: String, trackIDs: [String])
    /// `offer` / `answer` for `target`.
    case offer(target: String, sdp: String)
    case answer(target: String, sdp: String)
    /// `track_published`.
    case trackPublished(trackID: String, participantID: String, kind: String)
    /// `error` with its code and message.
    case error(code: String, message: String)
    /// `migrate`: the node is draining.
    case migrate(reason: String)
    /// Any other type (chat, active speakers, pong, …): not used here.
    case other(type: String)

    /// Parses one text frame.
    public static func parse(_ text: String) throws(LoadTestError) -> ServerSignal {
        // A room of N announces every join to everyone (N² messages in a
        // burst): messages a participant ignores are recognised by their one
        // "type" key without parsing them, so the load generator's own CPU
        // does not become what a join-burst measures.
        if let type = sniffType(text), !Self.handledTypes.contains(type) {
            return .other(type: type)
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Array(text.utf8))
        } catch {
            throw .badJSON(reason: error.reason, bytes: text.utf8.count)
        }
        guard let object = value.objectValue, let type = object["type"]?.stringValue else {
            throw .protocolViolation("message without a string \"type\"")
        }
        func string(_ key: String, in object: JSONObject? = object) throws(LoadTestError) -> String {
            guard let value = object?[key]?.stringValue else {
                throw .protocolViolation("\(type): missing string \"\(key)\"")
            }
            return value
        }
        switch type {
        case "joined":
            let participant = object["participant"]?.objectValue
            let sfu = object["sfu"]?.objectValue
            let others = object["participants"]?.arrayValue ?? []
            let trackIDs = others.flatMap { other in
                (other.objectValue?["tracks"]?.arrayValue ?? []).compactMap { $0.objectValue?["id"]?.stringValue }
            }
            return .joined(
                participantID: try string("id", in: participant),
                node: sfu?["node"]?.stringValue ?? "", region: sfu?["region"]?.stringValue ?? "", trackIDs: trackIDs)
        case "offer":
            return .offer(target: try string("target"), sdp: try string("sdp"))
        case "answer":
            return .answer(target: try string("target"), sdp: try string("sdp"))
        case "track_published":
            let track = object["track"]?.objectValue
            return .trackPublished(
                trackID: try string("id", in: track), participantID: try string("participantId", in: track),
                kind: try string("kind", in: track))
        case "error":
            return .error(code: object["code"]?.stringValue ?? "", message: object["message"]?.stringValue ?? "")
        case "migrate":
            return .migrate(reason: object["reason"]?.stringValue ?? "")
        default:
            return .other(type: type)
        }
    }
}

extension ServerSignal {
    /// Types `parse` turns into something other than `.other`.
    static let handledTypes: Set<String> = ["joined", "offer", "answer", "track_published", "error", "migrate"]

    /// The value of the only `"type"` key in `text`, or nil when there is
    /// none or more than one (nested objects: the full parse decides).
    static func sniffType(_ text: String) -> String? {
        let bytes = text.utf8
        let key = Array(#""type""#.utf8)
        var found: String?
        var index = bytes.startIndex
        while let start = firstIndex(of: key, in: bytes, from: index) {
            guard found == nil else { return nil }
            var cursor = bytes.index(start, offsetBy: key.count)
            func skipSpace() { while cursor < bytes.endIndex, bytes[cursor] == 0x20 { cursor = bytes.index(after: cursor) } }
            skipSpace()
            guard cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: ":") else { return nil }
            cursor = bytes.index(after: cursor)
            skipSpace()
            guard cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: "\"") else { return nil }
            let valueStart = bytes.index(after: cursor)
            guard let valueEnd = bytes[valueStart...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            found = String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)
            index = valueEnd
        }
        return found
    }

    private static func firstIndex(of needle: [UInt8], in bytes: String.UTF8View, from start: String.UTF8View.Index) -> String.UTF8View.Index? {
        var index = start
        while let candidate = bytes[index...].firstIndex(of: needle[0]) {
            if bytes[candidate...].starts(with: needle) { return candidate }
            index = bytes.index(after: candidate)
        }
        return nil
    }
}
