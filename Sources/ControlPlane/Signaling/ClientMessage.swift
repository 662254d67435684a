/// Which of a participant's two peer connections a message is about.
public enum PeerTarget: String, Sendable, Equatable {
    case publisher, subscriber
}

/// What a published track carries (`track_info.source`).
public enum TrackSource: String, Sendable, Equatable, CaseIterable {
    case camera, microphone, screen
}

/// Preferred simulcast layer (`subscribe.quality`).
public enum TrackQuality: String, Sendable, Equatable {
    case high, medium, low
}

/// A trickled ICE candidate as browsers give it (`RTCIceCandidateInit`); `nil`
/// `candidate` is the end-of-candidates marker.
public struct CandidateInit: Sendable, Equatable {
    public var candidate: String?
    public var sdpMid: String?
    public var sdpMLineIndex: Int?
}

/// A client → server message of PROTOCOL.md, validated.
public enum ClientMessage: Sendable, Equatable {
    /// `offer` with `target:"publisher"`.
    case offer(sdp: String)
    /// `answer` with `target:"subscriber"`.
    case answer(sdp: String)
    case candidate(target: PeerTarget, candidate: CandidateInit)
    case trackInfo(mid: String, source: TrackSource, name: String)
    case subscribe(trackIDs: [String], subscribed: Bool, quality: TrackQuality?)
    case mute(trackID: String, muted: Bool)
    case chat(text: String)
    /// `ping`; `ts` is echoed in `pong` as the client sent it.
    case ping(ts: Double)
    case leave

    /// Every client message type, for metrics labels.
    public static let types = ["offer", "answer", "candidate", "track_info", "subscribe", "mute", "chat", "ping", "leave"]
}

/// One decoded client message with its optional `id`.
public struct ClientEnvelope: Sendable, Equatable {
    /// Longest accepted `id`, in bytes (it is echoed as `ref`).
    public static let maximumIDBytes = 256
    /// Longest chat text, in characters.
    public static let maximumChatCharacters = 4096
    /// Most track ids in one `subscribe`.
    public static let maximumTrackIDs = 256

    public var id: String?
    public var type: String
    public var message: ClientMessage

    public init(id: String? = nil, type: String, message: ClientMessage) {
        self.id = id
        self.type = type
        self.message = message
    }

    /// Decodes one text frame.
    /// - Throws: `SignalError` `bad_message` (not JSON, not an object, missing
    ///   field, wrong type or value) or `unknown_type`, with `ref` when the
    ///   message had a usable `id`.
    public static func decode(_ bytes: some Collection<UInt8>) throws(SignalError) -> ClientEnvelope {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw SignalError(.badMessage, "not valid JSON: \(error.reason)")
        }
        guard let object = value.objectValue else {
            throw SignalError(.badMessage, "a message must be a JSON object, not \(value.typeName)")
        }
        var reader = FieldReader(object: object, ref: nil)
        if let idValue = object["id"] {
            guard let id = idValue.stringValue else { throw SignalError(.badMessage, "field id must be a string, not \(idValue.typeName)") }
            guard id.utf8.count <= maximumIDBytes else {
                throw SignalError(.badMessage, "field id is \(id.utf8.count) bytes, more than \(maximumIDBytes)")
            }
            reader.ref = id
        }
        let type = try reader.string("type")
        let message: ClientMessage
        switch type {
        case "offer":
            guard try reader.string("target") == PeerTarget.publisher.rawValue else {
                throw reader.bad("an offer must have target \"publisher\"")
            }
            message = .offer(sdp: try reader.string("sdp", nonEmpty: true))
        case "answer":
            guard try reader.string("target") == PeerTarget.subscriber.rawValue else {
                throw reader.bad("an answer must have target \"subscriber\"")
            }
            message = .answer(sdp: try reader.string("sdp", nonEmpty: true))
        case "candidate":
            let target = try reader.enumeration("target", PeerTarget.self)
            message = .candidate(target: target, candidate: try reader.candidate())
        case "track_info":
            let mid = try reader.string("mid", nonEmpty: true)
            guard mid.utf8.count <= 64 else { throw reader.bad("field mid is longer than 64 bytes") }
            let name = try reader.optionalString("name") ?? ""
            guard name.count <= TokenClaims.maximumFieldLength else { throw reader.bad("field name is longer than 128 characters") }
            message = .trackInfo(mid: mid, source: try reader.enumeration("source", TrackSource.self), name: name)
        case "subscribe":
            let ids = try reader.stringArray("trackIds", limit: maximumTrackIDs)
            let quality = try reader.optionalEnumeration("quality", TrackQuality.self)
            message = .subscribe(trackIDs: ids, subscribed: try reader.bool("subscribed"), quality: quality)
        case "mute":
            message = .mute(trackID: try reader.string("trackId", nonEmpty: true), muted: try reader.bool("muted"))
        case "chat":
            let text = try reader.string("text")
            guard (1...maximumChatCharacters).contains(text.count) else {
                throw reader.bad("chat text must be 1 to \(maximumChatCharacters) characters, is \(text.count)")
            }
            message = .chat(text: text)
        case "ping":
            message = .ping(ts: try reader.number("ts"))
        case "leave":
            message = .leave
        default:
            throw SignalError(.unknownType, "unknown message type \(String(type.prefix(64)).debugDescription)", ref: reader.ref)
        }
        return ClientEnvelope(id: reader.ref, type: type, message: message)
    }
}

/// Typed field access with `bad_message` errors naming the field.
private struct FieldReader {
    let object: JSONObject
    var ref: String?

    func bad(_ message: String) -> SignalError { SignalError(.badMessage, message, ref: ref) }

    func required(_ key: String) throws(SignalError) -> JSONValue {
        guard let value = object[key], value != .null else { throw bad("missing field \(key)") }
        return value
    }

    func string(_ key: String, nonEmpty: Bool = false) throws(SignalError) -> String {
        let value = try required(key)
        guard let text = value.stringValue else { throw bad("field \(key) must be a string, not \(value.typeName)") }
        if nonEmpty, text.isEmpty { throw bad("field \(key) must not be empty") }
        return text
    }

    func optionalString(_ key: String) throws(SignalError) -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard let text = value.stringValue else { throw bad("field \(key) must be a string, not \(value.typeName)") }
        return text
    }

    func bool(_ key: String) throws(SignalError) -> Bool {
        let value = try required(key)
        guard let flag = value.boolValue else { throw bad("field \(key) must be a boolean, not \(value.typeName)") }
        return flag
    }

    func number(_ key: String) throws(SignalError) -> Double {
        let value = try required(key)
        guard let number = value.numberValue, number.isFinite else { throw bad("field \(key) must be a number, not \(value.typeName)") }
        return number
    }

    func enumeration<E: RawRepresentable>(_ key: String, _ type: E.Type) throws(SignalError) -> E where E.RawValue == String {
        let text = try string(key)
        guard let value = E(rawValue: text) else { throw bad("field \(key) has an unknown value \(String(text.prefix(32)).debugDescription)") }
        return value
    }

    func optionalEnumeration<E: RawRepresentable>(_ key: String, _ type: E.Type) throws(SignalError) -> E? where E.RawValue == String {
        guard let text = try optionalString(key) else { return nil }
        guard let value = E(rawValue: text) else { throw bad("field \(key) has an unknown value \(String(text.prefix(32)).debugDescription)") }
        return value
    }

    func stringArray(_ key: String, limit: Int) throws(SignalError) -> [String] {
        let value = try required(key)
        guard let array = value.arrayValue else { throw bad("field \(key) must be an array, not \(value.typeName)") }
        guard array.count <= limit else { throw bad("field \(key) has \(array.count) items, more than \(limit)") }
        var result: [String] = []
        for item in array {
            guard let text = item.stringValue, !text.isEmpty else { throw bad("field \(key) must hold non-empty strings") }
            result.append(text)
        }
        return result
    }

    /// `candidate:{candidate, sdpMid, sdpMLineIndex}`; `null` is end-of-candidates.
    func candidate() throws(SignalError) -> CandidateInit {
        guard let value = object["candidate"] else { throw bad("missing field candidate") }
        if value == .null { return CandidateInit(candidate: nil, sdpMid: nil, sdpMLineIndex: nil) }
        guard let inner = value.objectValue else { throw bad("field candidate must be an object, not \(value.typeName)") }
        let nested = FieldReader(object: inner, ref: ref)
        let text = try nested.optionalString("candidate")
        let mid = try nested.optionalString("sdpMid")
        var index: Int?
        if let raw = inner["sdpMLineIndex"], raw != .null {
            guard let number = raw.numberValue, number >= 0, number <= 1024, number == number.rounded() else {
                throw bad("field candidate.sdpMLineIndex must be an integer 0...1024")
            }
            index = Int(number)
        }
        return CandidateInit(candidate: text, sdpMid: mid, sdpMLineIndex: index)
    }
}
