/// The mesh-wide name of a track in trunk subscribe messages
/// (docs/trunk-protocol.md §6.1): `room/trackID`. Room names never contain
/// `/` (`[A-Za-z0-9._-]`), track ids are checked not to.
public enum RelayTrackName {
    /// `room/track`.
    public static func make(room: RoomName, track: TrackID) -> String {
        room.rawValue + "/" + track.rawValue
    }

    /// The room and track of a name; nil unless it is `room/track` with both
    /// parts non-empty and no second `/`.
    public static func parse(_ name: String) -> (room: RoomName, track: TrackID)? {
        guard let slash = name.firstIndex(of: "/") else { return nil }
        let room = name[..<slash]
        let track = name[name.index(after: slash)...]
        guard !room.isEmpty, !track.isEmpty, !track.contains("/") else { return nil }
        return (RoomName(String(room)), TrackID(String(track)))
    }
}
