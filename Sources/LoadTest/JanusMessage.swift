import ControlPlane

/// One message of Janus's HTTP API (https://janus.conf.meetecho.com/docs/rest.html):
/// a reply to a request (`success`, `ack`, `error`) or an event from a
/// long poll (`event`, `webrtcup`, `media`, `hangup`, …), reduced to what
/// the load tester uses.
///
///     {"janus":"success","transaction":"t1","data":{"id":8403948124}}
///     {"janus":"event","session_id":…,"sender":<handle>,"transaction":"t3",
///      "plugindata":{"plugin":"janus.plugin.videoroom","data":{"videoroom":"joined","id":<feed>,…}},
///      "jsep":{"type":"answer","sdp":"v=0…"}}
///     {"janus":"error","transaction":"t2","error":{"code":458,"reason":"No such session"}}
public struct JanusMessage: Sendable, Equatable {
    /// The `janus` field: success, ack, event, error, webrtcup, media, hangup, slowlink, keepalive, timeout.
    public var kind: String
    public var transaction: String?
    /// The plugin handle an event comes from.
    public var sender: UInt64?
    /// `data.id` of a create/attach success.
    public var dataID: UInt64?
    /// `plugindata.data` of a plugin reply or event.
    public var pluginData: JSONObject?
    /// `jsep.type` and `jsep.sdp`.
    public var jsepType: String?
    public var jsepSDP: String?
    /// A core error (`error.code`/`error.reason`) or a plugin error (`error_code`/`error` in plugin data).
    public var errorCode: Int?
    public var errorReason: String?

    /// Parses one JSON object.
    public init(_ value: JSONValue) throws(LoadTestError) {
        guard let object = value.objectValue, let kind = object["janus"]?.stringValue else {
            throw .protocolViolation("Janus message without a string \"janus\" field")
        }
        self.kind = kind
        transaction = object["transaction"]?.stringValue
        sender = object["sender"]?.numberValue.flatMap(Self.identifier)
        dataID = object["data"]?.objectValue?["id"]?.numberValue.flatMap(Self.identifier)
        pluginData = object["plugindata"]?.objectValue?["data"]?.objectValue
        if let jsep = object["jsep"]?.objectValue {
            jsepType = jsep["type"]?.stringValue
            jsepSDP = jsep["sdp"]?.stringValue
        }
        if let error = object["error"]?.objectValue {
            errorCode = error["code"]?.numberValue.flatMap { Int(exactly: $0) }
            errorReason = error["reason"]?.stringValue
        } else if let pluginError = pluginData?["error"]?.stringValue {
            errorCode = pluginData?["error_code"]?.numberValue.flatMap { Int(exactly: $0) }
            errorReason = pluginError
        }
    }

    /// Parses a reply or a long-poll answer: one object, or an array of them (`maxev` > 1).
    public static func parseAll(_ text: String) throws(LoadTestError) -> [JanusMessage] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(Array(text.utf8))
        } catch {
            throw .badJSON(reason: error.reason, bytes: text.utf8.count)
        }
        if let array = value.arrayValue {
            var messages: [JanusMessage] = []
            for item in array { messages.append(try JanusMessage(item)) }
            return messages
        }
        return [try JanusMessage(value)]
    }

    /// Janus ids are unsigned integers below 2^53 (JSON numbers).
    static func identifier(_ number: Double) -> UInt64? {
        guard number >= 0, number < 9_007_199_254_740_992, number == number.rounded() else { return nil }
        return UInt64(number)
    }

    /// Publisher feed ids listed by a `listparticipants` reply (`participants[].id` with `publisher: true`).
    public var publisherFeeds: [UInt64] {
        guard let list = pluginData?["participants"]?.arrayValue else { return [] }
        return list.compactMap { item in
            guard let participant = item.objectValue, participant["publisher"]?.boolValue ?? false else { return nil }
            return participant["id"]?.numberValue.flatMap(Self.identifier)
        }
    }
}

/// Requests of Janus's HTTP API for the VideoRoom plugin, as JSON text.
public enum JanusRequest {
    public static func create(transaction: String) -> String {
        JSONValue.object(["janus": "create", "transaction": .string(transaction)]).serialized()
    }

    public static func attach(transaction: String) -> String {
        JSONValue.object(["janus": "attach", "plugin": "janus.plugin.videoroom", "transaction": .string(transaction)]).serialized()
    }

    public static func destroy(transaction: String) -> String {
        JSONValue.object(["janus": "destroy", "transaction": .string(transaction)]).serialized()
    }

    /// A plugin `message` with `body` and an optional JSEP.
    public static func message(transaction: String, body: JSONObject, jsep: (type: String, sdp: String)? = nil) -> String {
        var entries: [(key: String, value: JSONValue)] = [
            ("janus", "message"), ("transaction", .string(transaction)), ("body", .object(body)),
        ]
        // `trickle: false`: every candidate is in the SDP, none will follow
        // (else Janus waits for trickled candidates before ICE can complete).
        if let jsep {
            entries.append(("jsep", .object(["type": .string(jsep.type), "sdp": .string(jsep.sdp), "trickle": false])))
        }
        return JSONValue.object(JSONObject(entries)).serialized()
    }

    /// Joins `room` as a publisher and publishes the offered tracks in one step.
    public static func joinAndPublish(room: UInt64, display: String) -> JSONObject {
        ["request": "joinandconfigure", "room": .number(Double(room)), "ptype": "publisher", "display": .string(display)]
    }

    /// Subscribes to `feeds` (one multistream subscription).
    public static func joinAsSubscriber(room: UInt64, feeds: [UInt64]) -> JSONObject {
        [
            "request": "join", "room": .number(Double(room)), "ptype": "subscriber",
            "streams": .array(feeds.map { .object(["feed": .number(Double($0))]) }),
        ]
    }

    public static func listParticipants(room: UInt64) -> JSONObject {
        ["request": "listparticipants", "room": .number(Double(room))]
    }

    public static let start: JSONObject = ["request": "start"]
}
