import Coordination
import Synchronization

/// The participants this backend instance serves, by room, and the one room
/// event subscription per room that feeds them.
///
/// The first local participant of a room subscribes to the room's events
/// (`attach` returns once the subscription is confirmed, so a snapshot taken
/// afterwards misses nothing); the last one to leave ends the subscription.
/// Subscriptions are pumped inside `run()` (structured concurrency).
public final class LocalRooms: Sendable {
    struct Member: Sendable {
        let id: MemberID
        let node: String
        let inbox: AsyncStream<SessionInput>.Continuation
    }

    private enum Subscription {
        case pending(waiters: [CheckedContinuation<Void, any Error>])
        case active(stop: AsyncStream<Never>.Continuation)
    }

    private struct Room {
        var members: [MemberID: Member] = [:]
        var subscription: Subscription
        var generation: UInt64
    }

    private struct Pump: Sendable {
        let room: RoomID
        let generation: UInt64
        let events: AsyncStream<RoomEvent>
        let stop: AsyncStream<Never>
    }

    private let coordinator: any Coordinator
    private let state = Mutex<(rooms: [RoomID: Room], nextGeneration: UInt64)>(([:], 0))
    private let pumps: AsyncStream<Pump>
    private let pumpStarter: AsyncStream<Pump>.Continuation
    /// Hears relay requests and departures (the mesh orchestrator).
    private let mesh: @Sendable (MeshInput) -> Void

    public convenience init(coordinator: any Coordinator) {
        self.init(coordinator: coordinator, mesh: { _ in })
    }

    init(coordinator: any Coordinator, mesh: @escaping @Sendable (MeshInput) -> Void) {
        self.coordinator = coordinator
        self.mesh = mesh
        (pumps, pumpStarter) = AsyncStream.makeStream()
    }

    /// Adds a local participant; the first of a room subscribes to its events.
    func attach(room: RoomID, member: Member) async throws {
        enum Step { case subscribe(UInt64), wait, done }
        let step: Step = state.withLock { state in
            if var existing = state.rooms[room] {
                existing.members[member.id] = member
                state.rooms[room] = existing
                if case .pending = existing.subscription { return .wait }
                return .done
            }
            state.nextGeneration &+= 1
            state.rooms[room] = Room(members: [member.id: member], subscription: .pending(waiters: []),
                                     generation: state.nextGeneration)
            return .subscribe(state.nextGeneration)
        }
        switch step {
        case .done:
            return
        case .wait:
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
                let outcome: Bool? = state.withLock { state in
                    guard var existing = state.rooms[room] else { return false }
                    guard case .pending(let waiters) = existing.subscription else { return true }
                    existing.subscription = .pending(waiters: waiters + [waiter])
                    state.rooms[room] = existing
                    return nil
                }
                switch outcome {
                case true?: waiter.resume()
                case false?: waiter.resume(throwing: RedisError.closed)
                case nil: break
                }
            }
        case .subscribe(let generation):
            do {
                let events = try await coordinator.events(for: room)
                let (stop, stopper) = AsyncStream<Never>.makeStream()
                let waiters: [CheckedContinuation<Void, any Error>]? = state.withLock { state in
                    guard var existing = state.rooms[room], existing.generation == generation,
                          case .pending(let waiters) = existing.subscription else { return nil }
                    existing.subscription = .active(stop: stopper)
                    state.rooms[room] = existing
                    return waiters
                }
                guard let waiters else {
                    stopper.finish()
                    return
                }
                pumpStarter.yield(Pump(room: room, generation: generation, events: events, stop: stop))
                for waiter in waiters { waiter.resume() }
            } catch {
                let waiters: [CheckedContinuation<Void, any Error>] = state.withLock { state in
                    guard let existing = state.rooms[room], existing.generation == generation,
                          case .pending(let waiters) = existing.subscription else { return [] }
                    state.rooms[room] = nil
                    return waiters
                }
                for waiter in waiters { waiter.resume(throwing: error) }
                throw error
            }
        }
    }

    /// Removes a local participant; the last of a room ends its subscription.
    func detach(room: RoomID, member: MemberID) {
        let stopper: AsyncStream<Never>.Continuation? = state.withLock { state in
            guard var existing = state.rooms[room] else { return nil }
            existing.members[member] = nil
            guard existing.members.isEmpty else {
                state.rooms[room] = existing
                return nil
            }
            state.rooms[room] = nil
            if case .active(let stop) = existing.subscription { return stop }
            return nil
        }
        stopper?.finish()
    }

    /// Delivers `input` to every local participant of `room` on `node` (nil: all).
    func deliver(_ input: SessionInput, room: RoomID, node: String? = nil, member: MemberID? = nil) {
        let targets: [Member] = state.withLock { state in
            guard let existing = state.rooms[room] else { return [] }
            if let member { return existing.members[member].map { [$0] } ?? [] }
            return existing.members.values.filter { node == nil || $0.node == node }
        }
        for target in targets { target.inbox.yield(input) }
    }

    /// Delivers `input` to every local participant, in any room, placed on `node`.
    func deliver(_ input: SessionInput, node: String) {
        let targets: [Member] = state.withLock { state in
            state.rooms.values.flatMap { $0.members.values.filter { $0.node == node } }
        }
        for target in targets { target.inbox.yield(input) }
    }

    /// Local participants of every room (for shutdown).
    func allMembers() -> [Member] {
        state.withLock { $0.rooms.values.flatMap { $0.members.values } }
    }

    /// Rooms with local participants.
    public var roomCount: Int { state.withLock { $0.rooms.count } }

    /// Pumps every room subscription into its local participants until cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for await pump in pumps {
                group.addTask { await self.pump(pump) }
            }
        }
    }

    public func shutdown() { pumpStarter.finish() }

    private func pump(_ pump: Pump) async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await event in pump.events {
                    if let relay = MeshSignal(event: event) {
                        self.mesh(.signal(pump.room, relay))
                        if case .ready(let track, let node, let error) = relay {
                            self.deliver(.relayReady(track, error: error), room: pump.room, node: node.rawValue)
                        }
                        continue
                    }
                    guard let signal = RoomSignal(event: event) else { continue }
                    if case .participantLeft(let member) = signal { self.mesh(.memberLeft(pump.room, member)) }
                    let targets: [Member] = self.state.withLock { state in
                        guard let room = state.rooms[pump.room], room.generation == pump.generation else { return [] }
                        return Array(room.members.values)
                    }
                    for target in targets { target.inbox.yield(.room(signal)) }
                }
            }
            for await _ in pump.stop {}
            group.cancelAll()
        }
    }
}
