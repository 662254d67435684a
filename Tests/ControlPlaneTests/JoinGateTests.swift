@testable import ControlPlane
import Synchronization
import Testing

@Suite("Join gate: bounded, first come first served")
struct JoinGateTests {
    /// Bodies that run until the test lets each one finish.
    final class Bodies: Sendable {
        private let state = Mutex<(entered: [Int], holds: [Int: CheckedContinuation<Void, Never>])>(([], [:]))

        var entered: [Int] { state.withLock { $0.entered } }

        func run(_ id: Int) async {
            await withCheckedContinuation { continuation in
                state.withLock {
                    $0.entered.append(id)
                    $0.holds[id] = continuation
                }
            }
        }

        func finish(_ id: Int) {
            state.withLock { $0.holds.removeValue(forKey: id) }?.resume()
        }
    }

    /// Yields until `condition` holds (the other tasks run in between); false after 10 s.
    private func reach(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            await Task.yield()
        }
        return condition()
    }

    @Test("at most `permits` joins run; the others enter in arrival order", .timeLimit(.minutes(1)))
    func boundedAndOrdered() async {
        let gate = JoinGate(permits: 2, maximumWait: .seconds(60))
        let bodies = Bodies()
        var tasks: [Task<Void, Never>] = []
        for id in 1...5 {
            tasks.append(Task { await gate.withPermit { await bodies.run(id) } })
            if id <= 2 {
                #expect(await reach { bodies.entered.count == id })
            } else {
                #expect(await reach { gate.waiting == id - 2 })
            }
        }
        #expect(bodies.entered == [1, 2])
        bodies.finish(2)
        #expect(await reach { bodies.entered.count == 3 })
        bodies.finish(1)
        #expect(await reach { bodies.entered.count == 4 })
        #expect(bodies.entered == [1, 2, 3, 4])
        bodies.finish(3)
        #expect(await reach { bodies.entered.count == 5 })
        #expect(bodies.entered == [1, 2, 3, 4, 5])
        #expect(gate.waiting == 0)
        bodies.finish(4)
        bodies.finish(5)
        for task in tasks { await task.value }
    }

    @Test("a join cancelled while waiting leaves the queue; the next one still gets the permit", .timeLimit(.minutes(1)))
    func cancelledWaiter() async {
        let gate = JoinGate(permits: 1, maximumWait: .seconds(60))
        let bodies = Bodies()
        let first = Task { await gate.withPermit { await bodies.run(1) } }
        #expect(await reach { bodies.entered == [1] })
        let cancelled = Task { await gate.withPermit { Task.isCancelled } }
        #expect(await reach { gate.waiting == 1 })
        let third = Task { await gate.withPermit { await bodies.run(3) } }
        #expect(await reach { gate.waiting == 2 })
        cancelled.cancel()
        // It runs at once, without a permit, and no longer holds a place in the queue.
        #expect(await cancelled.value)
        #expect(gate.waiting == 1)
        #expect(bodies.entered == [1])
        bodies.finish(1)
        #expect(await reach { bodies.entered == [1, 3] })
        bodies.finish(3)
        await first.value
        await third.value
        // Every permit came back: two joins can run again with a gate of one, in turn.
        let again = Task { await gate.withPermit { await bodies.run(4) } }
        #expect(await reach { bodies.entered == [1, 3, 4] })
        bodies.finish(4)
        await again.value
    }

    @Test("a join that holds its permit too long gives it back; it still finishes", .timeLimit(.minutes(1)))
    func stuckJoin() async {
        let gate = JoinGate(permits: 1, maximumWait: .seconds(60))
        let bodies = Bodies()
        let stuck = Task { await gate.withPermit(holdingAtMost: .milliseconds(50)) { await bodies.run(1) } }
        #expect(await reach { bodies.entered == [1] })
        let next = Task { await gate.withPermit(holdingAtMost: .seconds(60)) { await bodies.run(2) } }
        // Join 1 has not finished, yet join 2 gets in once join 1's 50 ms are up.
        #expect(await reach { bodies.entered == [1, 2] })
        bodies.finish(1)
        await stuck.value
        // Join 1's late end gives nothing back twice: join 2 still holds the only permit.
        let third = Task { await gate.withPermit { await bodies.run(3) } }
        #expect(await reach { gate.waiting == 1 })
        #expect(bodies.entered == [1, 2])
        bodies.finish(2)
        #expect(await reach { bodies.entered == [1, 2, 3] })
        bodies.finish(3)
        await next.value
        await third.value
    }

    @Test("a join that waited `maximumWait` goes ahead without a permit and leaves the queue", .timeLimit(.minutes(1)))
    func waitedTooLong() async {
        let gate = JoinGate(permits: 1, maximumWait: .milliseconds(50))
        let bodies = Bodies()
        let holder = Task { await gate.withPermit(holdingAtMost: .seconds(60)) { await bodies.run(1) } }
        #expect(await reach { bodies.entered == [1] })
        let late = Task { await gate.withPermit { await bodies.run(2) } }
        // Join 1 still holds the only permit; join 2 gets in once its 50 ms of waiting are up.
        #expect(await reach { bodies.entered == [1, 2] })
        #expect(gate.waiting == 0)
        bodies.finish(2)
        await late.value
        // Join 2 had no permit to give back: the next join queues (until join 1 ends or its own 50 ms pass).
        let next = Task { await gate.withPermit { await bodies.run(3) } }
        #expect(await reach { gate.waiting == 1 })
        bodies.finish(1)
        #expect(await reach { bodies.entered == [1, 2, 3] })
        bodies.finish(3)
        await holder.value
        await next.value
    }
}
