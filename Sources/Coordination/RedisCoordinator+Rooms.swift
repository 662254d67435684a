/// Room membership and track lists in Redis hashes.
extension RedisCoordinator {
    /// Removes a member and its tracks atomically; deletes the room with its
    /// last member. KEYS: members, tracks, rooms. ARGV: member id, room.
    /// Returns the removed tracks' JSON. Tracks are matched on their `member` field.
    static let removeMemberScript = """
        redis.call('HDEL', KEYS[1], ARGV[1])
        local removed = {}
        local all = redis.call('HGETALL', KEYS[2])
        for i = 1, #all, 2 do
          local ok, track = pcall(cjson.decode, all[i + 1])
          if ok and type(track) == 'table' and track.member == ARGV[1] then
            redis.call('HDEL', KEYS[2], all[i])
            table.insert(removed, all[i + 1])
          end
        end
        if redis.call('HLEN', KEYS[1]) == 0 then
          redis.call('DEL', KEYS[2])
          redis.call('SREM', KEYS[3], ARGV[2])
        end
        return removed
        """

    public func addMember(_ member: MemberRecord, to room: RoomID) async throws(RedisError) {
        let key = membersKey(room)
        let json = try RecordCoding.encode(member, key: key)
        // HSET before SADD: a concurrent last-member removal then sees this member and keeps the room.
        let replies = try await client.pipeline([
            ["HSET", .string(key), .string(member.id.rawValue), .bytes(json)],
            ["SADD", .string(roomsKey), .string(room.rawValue)],
        ])
        try Self.checkNoErrors(replies)
    }

    public func removeMember(_ member: MemberID, from room: RoomID) async throws(RedisError) -> [TrackRecord] {
        let reply = try await client.command([
            "EVAL", .string(Self.removeMemberScript), "3",
            .string(membersKey(room)), .string(tracksKey(room)), .string(roomsKey),
            .string(member.rawValue), .string(room.rawValue),
        ])
        guard case .array(let items) = reply else { throw .unexpectedReply(command: "EVAL", reply: reply.summary) }
        var removed: [TrackRecord] = []
        for item in items {
            guard case .string(let json) = item else { throw .unexpectedReply(command: "EVAL", reply: item.summary) }
            removed.append(try RecordCoding.decode(TrackRecord.self, from: json, key: tracksKey(room)))
        }
        return removed.sorted { $0.id < $1.id }
    }

    public func members(of room: RoomID) async throws(RedisError) -> [MemberRecord] {
        let key = membersKey(room)
        return try await client.hgetall(key).values
            .map { json throws(RedisError) in try RecordCoding.decode(MemberRecord.self, from: json, key: key) }
            .sorted { $0.id < $1.id }
    }

    public func publishTrack(_ track: TrackRecord, in room: RoomID) async throws(RedisError) {
        let key = tracksKey(room)
        try await client.hset(key, [track.id.rawValue: .bytes(try RecordCoding.encode(track, key: key))])
    }

    public func unpublishTrack(_ track: MediaTrackID, in room: RoomID) async throws(RedisError) -> TrackRecord? {
        let key = tracksKey(room)
        let replies = try await client.pipeline([
            ["HGET", .string(key), .string(track.rawValue)],
            ["HDEL", .string(key), .string(track.rawValue)],
        ])
        try Self.checkNoErrors(replies)
        // Only the caller whose HDEL removed the field reports the track.
        guard replies.count == 2, case .string(let json) = replies[0], replies[1] == .integer(1) else { return nil }
        return try RecordCoding.decode(TrackRecord.self, from: json, key: key)
    }

    public func tracks(in room: RoomID) async throws(RedisError) -> [TrackRecord] {
        let key = tracksKey(room)
        return try await client.hgetall(key).values
            .map { json throws(RedisError) in try RecordCoding.decode(TrackRecord.self, from: json, key: key) }
            .sorted { $0.id < $1.id }
    }

    public func rooms() async throws(RedisError) -> [RoomID] {
        try await client.smembers(roomsKey).map { RoomID(String(decoding: $0, as: UTF8.self)) }.sorted()
    }
}
