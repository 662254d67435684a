import Synchronization

/// Fans room events out to local `AsyncStream`s and tells its owner when a
/// stream is added to a room or the room's last stream ends.
///
/// The callbacks run while the hub's lock is held, so they reach the owner in
/// the order the streams came and went (a Redis owner queues SUBSCRIBE and
/// UNSUBSCRIBE in that order); they must be short and must not call the hub.
final class RoomEventHub: Sendable {
    private struct State {
        var streams: [RoomID: [UInt64: AsyncStream<RoomEvent>.Continuation]] = [:]
        var nextID: UInt64 = 0
        var closed = false
    }

    private let state = Mutex(State())
    private let bufferLimit: Int

    init(bufferLimit: Int = 10_000) {
        self.bufferLimit = max(1, bufferLimit)
    }

    /// A new stream for `room`, or `nil` after `close()`.
    ///
    /// `added` runs once, now; `emptied` runs later if this stream's end leaves
    /// the room without streams. Finish the returned continuation to drop the
    /// stream early (for example when the owner's subscription failed).
    func subscribe(
        _ room: RoomID, added: () -> Void, emptied: @escaping @Sendable () -> Void
    ) -> (stream: AsyncStream<RoomEvent>, continuation: AsyncStream<RoomEvent>.Continuation)? {
        let (stream, continuation) = AsyncStream.makeStream(
            of: RoomEvent.self, bufferingPolicy: .bufferingNewest(bufferLimit))
        let added: UInt64? = state.withLock { state in
            guard !state.closed else { return nil }
            let id = state.nextID
            state.nextID &+= 1
            state.streams[room, default: [:]][id] = continuation
            added()
            return id
        }
        guard let id = added else {
            continuation.finish()
            return nil
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in
                guard state.streams[room]?.removeValue(forKey: id) != nil else { return }
                if state.streams[room]?.isEmpty ?? false {
                    state.streams[room] = nil
                    emptied()
                }
            }
        }
        return (stream, continuation)
    }

    /// Delivers `event` to every local stream of its room.
    func dispatch(_ event: RoomEvent) {
        let targets = state.withLock { Array(($0.streams[event.room] ?? [:]).values) }
        for continuation in targets { continuation.yield(event) }
    }

    /// Local streams of `room` (for tests).
    func streamCount(_ room: RoomID) -> Int {
        state.withLock { $0.streams[room]?.count ?? 0 }
    }

    /// Finishes every stream; later `subscribe` calls return `nil`.
    func close() {
        let all = state.withLock { state -> [AsyncStream<RoomEvent>.Continuation] in
            state.closed = true
            let all = state.streams.values.flatMap { $0.values }
            state.streams = [:]
            return all
        }
        for continuation in all { continuation.finish() }
    }
}
