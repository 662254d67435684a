import Foundation

/// What a token allows (PROTOCOL.md `grants`): `publish`, `subscribe`,
/// `chat` default to true, `admin` to false.
public struct Grants: Sendable, Equatable, CustomStringConvertible {
    public var publish: Bool
    public var subscribe: Bool
    public var chat: Bool
    /// May mute other participants' tracks.
    public var admin: Bool

    public init(publish: Bool = true, subscribe: Bool = true, chat: Bool = true, admin: Bool = false) {
        self.publish = publish
        self.subscribe = subscribe
        self.chat = chat
        self.admin = admin
    }

    /// The `grants` claim / the `grants` field of `joined.participant`.
    public var json: JSONValue {
        .object(["publish": .bool(publish), "subscribe": .bool(subscribe), "chat": .bool(chat), "admin": .bool(admin)])
    }

    /// Parses the `grants` claim: an object whose known keys are booleans; unknown keys are ignored.
    init(claim: JSONValue) throws(ControlPlaneError) {
        guard let object = claim.objectValue else {
            throw .claim(name: "grants", problem: "must be an object, not \(claim.typeName)")
        }
        func flag(_ key: String, _ defaultValue: Bool) throws(ControlPlaneError) -> Bool {
            guard let value = object[key] else { return defaultValue }
            guard let bool = value.boolValue else {
                throw .claim(name: "grants.\(key)", problem: "must be a boolean, not \(value.typeName)")
            }
            return bool
        }
        self.init(
            publish: try flag("publish", true), subscribe: try flag("subscribe", true),
            chat: try flag("chat", true), admin: try flag("admin", false))
    }

    /// Parses the command-line form `publish,subscribe,chat,admin` (any subset;
    /// a listed grant is true, an unlisted one false).
    public static func parseList(_ text: String) throws(ControlPlaneError) -> Grants {
        var grants = Grants(publish: false, subscribe: false, chat: false, admin: false)
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            switch item {
            case "publish": grants.publish = true
            case "subscribe": grants.subscribe = true
            case "chat": grants.chat = true
            case "admin": grants.admin = true
            default:
                throw .configuration(name: "--grants", problem: "unknown grant \(item.prefix(32)); use publish, subscribe, chat, admin")
            }
        }
        return grants
    }

    public var description: String {
        [publish ? "publish" : nil, subscribe ? "subscribe" : nil, chat ? "chat" : nil, admin ? "admin" : nil]
            .compactMap { $0 }.joined(separator: ",")
    }
}
