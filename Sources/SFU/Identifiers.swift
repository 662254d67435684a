/// Typed identifiers of the SFU domain (mediasoup's vocabulary: a room is a
/// router; a published track is a producer; a subscription is a consumer).

/// The name of a room, as in the client protocol (`[A-Za-z0-9._-]{1,128}`).
public struct RoomName: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// A participant's id, unique in its room.
public struct ParticipantID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// A published track's id, unique on the node (`TR_` + random).
public struct TrackID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// Media kind of a track.
public enum MediaKind: String, Sendable, Hashable {
    case audio
    case video
}

/// A subscriber's preferred simulcast layer.
public enum Quality: Int, Sendable, Hashable, Comparable {
    case low = 0
    case medium = 1
    case high = 2

    public static func < (lhs: Quality, rhs: Quality) -> Bool { lhs.rawValue < rhs.rawValue }
}
