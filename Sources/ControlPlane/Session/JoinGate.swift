import Synchronization

/// Lets at most `permits` joins do their server-side work (placement,
/// transports, room state, `joined`, the first subscriber offer) at the same
/// time; the others wait in arrival order before doing any of it.
///
/// That work never waits for the client, so it is CPU-bound: when 100
/// clients connect at once and all proceed together, every step of every
/// join queues behind the same steps of the 99 others and all of them get
/// their offer at about the same time, at the end. In arrival order, the
/// first joins are done early and their clients connect ICE and DTLS while
/// later joins are still being set up.
final class JoinGate: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var available: Int
        var waiters: [Waiter] = []
        var head = 0
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>

    /// The longest a join waits for a permit before it proceeds without one.
    let maximumWait: Duration

    /// - Parameters:
    ///   - permits: joins set up at the same time (at least 1).
    ///   - maximumWait: after waiting this long a join goes ahead anyway. In
    ///     a long queue the last joins then stop waiting for every earlier
    ///     one and share the CPU with the rest, as they would without a gate.
    init(permits: Int, maximumWait: Duration = .milliseconds(150)) {
        state = Mutex(State(available: max(1, permits)))
        self.maximumWait = maximumWait
    }

    /// Runs `body` with a permit. A task cancelled while it waits, or still
    /// waiting after `maximumWait`, runs `body` without one (a cancelled
    /// join then fails fast on the closed socket).
    /// A body still running after `limit` gives its permit back early: a
    /// join stuck on a node that does not answer (up to the SFU call
    /// timeout) must not hold up the joins behind it.
    func withPermit<T: Sendable>(holdingAtMost limit: Duration = .seconds(1), _ body: () async -> T) async -> T {
        guard await acquire() else { return await body() }
        let permit = HeldPermit(gate: self)
        let expiry = Task {
            do {
                try await Task.sleep(for: limit)
                permit.giveBack()
            } catch {
                // Finished (or cancelled) in time: `giveBack` below.
            }
        }
        defer {
            expiry.cancel()
            permit.giveBack()
        }
        return await body()
    }

    /// A permit that goes back to the gate once, whichever comes first.
    private final class HeldPermit: Sendable {
        private let gate: JoinGate
        private let held = Mutex(true)

        init(gate: JoinGate) { self.gate = gate }

        func giveBack() {
            let wasHeld = held.withLock { held in
                defer { held = false }
                return held
            }
            if wasHeld { gate.release() }
        }
    }

    /// Joins waiting for a permit.
    var waiting: Int { state.withLock { $0.waiters.count - $0.head } }

    private enum Outcome {
        case granted, cancelled, queued
    }

    private func acquire() async -> Bool {
        let id: UInt64? = state.withLock { state in
            guard state.available == 0 else {
                state.available -= 1
                return nil
            }
            state.nextID &+= 1
            return state.nextID
        }
        guard let id else { return true }
        let deadline = Task { [maximumWait] in
            do {
                try await Task.sleep(for: maximumWait)
                self.abandon(id)
            } catch {
                // Granted (or cancelled) in time.
            }
        }
        defer { deadline.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Checked again under the lock: a permit may have come back since.
                let outcome = state.withLock { state -> Outcome in
                    if state.available > 0 {
                        state.available -= 1
                        return .granted
                    }
                    if Task.isCancelled { return .cancelled }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .queued
                }
                switch outcome {
                case .granted: continuation.resume(returning: true)
                case .cancelled: continuation.resume(returning: false)
                case .queued: break
                }
            }
        } onCancel: {
            abandon(id)
        }
    }

    /// Takes waiter `id` out of the queue, if it is still there, and lets it go on without a permit.
    private func abandon(_ id: UInt64) {
        let removed = state.withLock { state -> Waiter? in
            guard let index = state.waiters[state.head...].firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        removed?.continuation.resume(returning: false)
    }

    fileprivate func release() {
        let next = state.withLock { state -> Waiter? in
            guard state.head < state.waiters.count else {
                state.available += 1
                return nil
            }
            let waiter = state.waiters[state.head]
            state.head += 1
            if state.head >= 64, state.head * 2 >= state.waiters.count {
                state.waiters.removeFirst(state.head)
                state.head = 0
            }
            return waiter
        }
        next?.continuation.resume(returning: true)
    }
}
