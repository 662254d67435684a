import Coordination

/// Builders of the server → client messages of PROTOCOL.md.
enum ServerMessage {
    /// `Track`: `{id, participantId, kind, source, name, muted, simulcast, region}`.
    static func track(_ track: TrackRecord) -> JSONValue {
        .object([
            "id": .string(track.id.rawValue), "participantId": .string(track.member.rawValue),
            "kind": .string(track.kind), "source": .string(track.source), "name": .string(track.name),
            "muted": .bool(track.muted), "simulcast": .array(track.simulcast.map { .string($0) }),
            "region": .string(track.region.rawValue),
        ])
    }

    /// `Participant`: `{id, identity, name, region, tracks}`.
    static func participant(_ member: MemberRecord, tracks: [TrackRecord]) -> JSONValue {
        .object([
            "id": .string(member.id.rawValue), "identity": .string(member.identity), "name": .string(member.name),
            "region": .string(member.region.rawValue), "tracks": .array(tracks.map(track)),
        ])
    }

    /// Where the participant's transports are (`joined.sfu`).
    struct SFUPlacement: Sendable, Equatable {
        var node: String
        var region: String
        var regionName: String
        /// Why this region: `rtt`, `geoip` or `default` (an addition to PROTOCOL.md, docs/web-client.md).
        var reason: String = ""
    }

    static func joined(
        room: String, sid: String, me: MemberRecord, grants: Grants,
        others: [(MemberRecord, [TrackRecord])], sfu: SFUPlacement, iceServers: [JSONValue]
    ) -> JSONValue {
        .object([
            "type": "joined",
            "room": .object(["name": .string(room), "sid": .string(sid)]),
            "participant": .object([
                "id": .string(me.id.rawValue), "identity": .string(me.identity), "name": .string(me.name),
                "grants": grants.json,
            ]),
            "participants": .array(others.map { participant($0.0, tracks: $0.1) }),
            "sfu": .object(["node": .string(sfu.node), "region": .string(sfu.region), "regionName": .string(sfu.regionName),
                            "reason": .string(sfu.reason)]),
            "iceServers": .array(iceServers),
        ])
    }

    static func sdp(_ type: String, target: PeerTarget, sdp: String, ref: String? = nil) -> JSONValue {
        var object: JSONObject = ["type": .string(type), "target": .string(target.rawValue), "sdp": .string(sdp)]
        if let ref { object["ref"] = .string(ref) }
        return .object(object)
    }

    static func participantJoined(_ member: MemberRecord, tracks: [TrackRecord]) -> JSONValue {
        .object(["type": "participant_joined", "participant": participant(member, tracks: tracks)])
    }

    static func participantLeft(_ id: MemberID) -> JSONValue {
        .object(["type": "participant_left", "participantId": .string(id.rawValue)])
    }

    static func trackPublished(_ record: TrackRecord) -> JSONValue {
        .object(["type": "track_published", "track": track(record)])
    }

    static func trackUnpublished(_ id: MediaTrackID) -> JSONValue {
        .object(["type": "track_unpublished", "trackId": .string(id.rawValue)])
    }

    static func trackMuted(_ id: MediaTrackID, muted: Bool, ref: String? = nil) -> JSONValue {
        var object: JSONObject = ["type": "track_muted", "trackId": .string(id.rawValue), "muted": .bool(muted)]
        if let ref { object["ref"] = .string(ref) }
        return .object(object)
    }

    static func chat(_ record: ChatRecord, ref: String? = nil) -> JSONValue {
        var object: JSONObject = [
            "type": "chat", "id": .string(record.id),
            "from": .object(["id": .string(record.fromID), "identity": .string(record.fromIdentity), "name": .string(record.fromName)]),
            "text": .string(record.text), "ts": .number(Double(record.ts)),
        ]
        if let ref { object["ref"] = .string(ref) }
        return .object(object)
    }

    static func activeSpeakers(_ speakers: [(participant: String, level: Double)]) -> JSONValue {
        .object([
            "type": "active_speakers",
            "speakers": .array(speakers.map { .object(["participantId": .string($0.participant), "level": .number($0.level)]) }),
        ])
    }

    static func pong(ts: Double, serverTs: Int64, ref: String?) -> JSONValue {
        var object: JSONObject = ["type": "pong", "ts": .number(ts), "serverTs": .number(Double(serverTs))]
        if let ref { object["ref"] = .string(ref) }
        return .object(object)
    }

    static func migrate(reason: String) -> JSONValue {
        .object(["type": "migrate", "reason": .string(reason)])
    }
}
