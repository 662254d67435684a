import Synchronization

/// The operator drain of one node (`edgemesh drain`, the `Drain` RPC, or
/// SIGTERM): once begun, the node refuses new participants, reports
/// `draining` in `GetNodeStats` (and, through whoever reads `isDraining`, in
/// its registry record), emits `NodeDraining` on `WatchEvents`, and
/// `NodeService.run` returns when no participant is left or the deadline
/// passes. A drain cannot be undone; the process exits.
public final class NodeDrain: Sendable {
    /// Timeout of a drain whose request names none (`DrainRequest.timeout_seconds == 0`).
    public static let defaultTimeout: Duration = .seconds(300)

    private struct State {
        var draining = false
        var deadline: ContinuousClock.Instant?
        var timeout: Duration = .zero
    }

    private let state = Mutex(State())
    private let started: AsyncStream<Void>
    private let starter: AsyncStream<Void>.Continuation

    public init() {
        (started, starter) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// True once a drain has begun. The registry heartbeat reads it to mark the node's record.
    public var isDraining: Bool { state.withLock { $0.draining } }

    /// Begins the drain, or moves the deadline of a drain in progress to `timeout` from now.
    /// - Returns: true when this call began the drain.
    @discardableResult
    public func begin(timeout: Duration = NodeDrain.defaultTimeout) -> Bool {
        let first = state.withLock { state in
            let first = !state.draining
            state.draining = true
            state.deadline = ContinuousClock.now + timeout
            state.timeout = timeout
            return first
        }
        if first { starter.yield() }
        return first
    }

    /// Waits for the drain to begin, calls `onBegin` with its timeout, then
    /// polls `participants` every `interval` until it reports 0 or the
    /// deadline passes. Returns false when cancelled first (the node is
    /// stopping for another reason).
    func waitUntilDrained(
        interval: Duration = .milliseconds(200),
        onBegin: (Duration) -> Void,
        participants: () async throws -> Int
    ) async -> Bool {
        var iterator = started.makeAsyncIterator()
        guard await iterator.next() != nil, !Task.isCancelled else { return false }
        onBegin(state.withLock { $0.timeout })
        while !Task.isCancelled {
            // A failed count (the loop is shutting down) is not "empty": wait for the deadline.
            if let count = try? await participants(), count == 0 { return true }
            let deadline = state.withLock { $0.deadline } ?? ContinuousClock.now
            if ContinuousClock.now >= deadline { return true }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return false
            }
        }
        return false
    }
}
