import Foundation

/// A participant in a room, as every backend instance sees it.
public struct MemberRecord: Sendable, Hashable, Codable {
    public var id: MemberID
    /// The token's `sub`.
    public var identity: String
    /// Display name.
    public var name: String
    /// Region of the node serving the participant.
    public var region: RegionID
    /// The node holding the participant's transports.
    public var node: NodeID
    /// The backend instance holding the participant's WebSocket.
    public var backend: String
    public var joinedAt: Date

    public init(id: MemberID, identity: String, name: String, region: RegionID, node: NodeID,
                backend: String, joinedAt: Date = Date()) {
        self.id = id
        self.identity = identity
        self.name = name
        self.region = region
        self.node = node
        self.backend = backend
        self.joinedAt = joinedAt
    }
}

/// A published track (PROTOCOL.md `Track`) plus the node it originates on.
public struct TrackRecord: Sendable, Hashable, Codable {
    public var id: MediaTrackID
    /// The publishing participant. (The Redis removal script matches on this JSON key, `member`.)
    public var member: MemberID
    /// `audio` or `video`.
    public var kind: String
    /// `camera`, `microphone` or `screen`.
    public var source: String
    public var name: String
    public var muted: Bool
    /// Simulcast rids, empty without simulcast.
    public var simulcast: [String]
    public var region: RegionID
    /// The node the track is published on (the root of its relay tree).
    public var node: NodeID

    public init(id: MediaTrackID, member: MemberID, kind: String, source: String, name: String = "",
                muted: Bool = false, simulcast: [String] = [], region: RegionID, node: NodeID) {
        self.id = id
        self.member = member
        self.kind = kind
        self.source = source
        self.name = name
        self.muted = muted
        self.simulcast = simulcast
        self.region = region
        self.node = node
    }
}

/// A message between backend instances serving the same room.
///
/// The coordinator does not interpret `type` or `payload`; the control plane
/// defines them (typically `type` is a PROTOCOL.md message type and `payload`
/// its JSON). Every subscriber of the room gets every event, the publishing
/// instance included; use `origin` to skip your own.
public struct RoomEvent: Sendable, Hashable, Codable {
    public var room: RoomID
    /// The backend instance that published the event.
    public var origin: String
    public var type: String
    public var payload: [UInt8]

    public init(room: RoomID, origin: String, type: String, payload: [UInt8] = []) {
        self.room = room
        self.origin = origin
        self.type = type
        self.payload = payload
    }

    private enum CodingKeys: String, CodingKey { case room, origin, type, payload }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        room = try container.decode(RoomID.self, forKey: .room)
        origin = try container.decode(String.self, forKey: .origin)
        type = try container.decode(String.self, forKey: .type)
        payload = Array(try container.decode(Data.self, forKey: .payload))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(room, forKey: .room)
        try container.encode(origin, forKey: .origin)
        try container.encode(type, forKey: .type)
        try container.encode(Data(payload), forKey: .payload)
    }
}

/// JSON coding of records, with errors mapped to `RedisError.malformedRecord`.
enum RecordCoding {
    static func encode<T: Encodable>(_ value: T, key: String) throws(RedisError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = .sortedKeys
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw .malformedRecord(key: key, reason: "encode: \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], key: String) throws(RedisError) -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        do {
            return try decoder.decode(type, from: Data(bytes))
        } catch {
            throw .malformedRecord(key: key, reason: "\(bytes.count) bytes: \(error)")
        }
    }
}
