import Synchronization
import Testing

@testable import Trunk

/// One event in a scripted ping history (times in ms on the monotonic clock).
enum PingStep: Sendable, CustomStringConvertible {
    /// Ping `sequence` sent.
    case send(UInt32, at: UInt64)
    /// Pong for `sequence` arrives; `counted` is whether a waiting ping matched it.
    case pong(UInt32, at: UInt64, counted: Bool)
    /// The timer expires overdue pings.
    case expire(at: UInt64)

    var description: String {
        switch self {
        case .send(let s, let t): "send(\(s)@\(t))"
        case .pong(let s, let t, let c): "pong(\(s)@\(t),\(c))"
        case .expire(let t): "expire(@\(t))"
        }
    }
}

struct PingLossCase: Sendable, CustomTestStringConvertible {
    let name: String
    let steps: [PingStep]
    let answered: UInt64
    let lost: UInt64
    /// Acceptable ratio range.
    let ratio: ClosedRange<Double>
    let outstanding: Int

    var testDescription: String { name }
}

/// Ping every 500 ms; pings where `isLost(i)` get no pong, the rest a pong after 20 ms;
/// the timer runs just before each send (as `TrunkPeer.tick` does).
func pingHistory(_ count: UInt32, start: UInt64 = 0, isLost: (UInt32) -> Bool) -> [PingStep] {
    var steps: [PingStep] = []
    for i in 0..<count {
        let t = start + UInt64(i) * 500
        steps.append(.expire(at: t))
        steps.append(.send(i, at: t))
        if !isLost(i) { steps.append(.pong(i, at: t + 20, counted: true)) }
    }
    return steps
}

/// Replays `steps`, checking each pong's outcome.
func replay(_ steps: [PingStep]) -> TrunkPingLoss {
    var loss = TrunkPingLoss()
    for step in steps {
        switch step {
        case .send(let sequence, let t): loss.sent(sequence: sequence, at: t * 1_000_000)
        case .pong(let sequence, let t, let counted):
            let sentAt = loss.answered(sequence: sequence, at: t * 1_000_000)
            #expect((sentAt != nil) == counted, "pong \(sequence) at \(t) ms")
        case .expire(let t): loss.expire(now: t * 1_000_000)
        }
    }
    return loss
}

@Suite struct TrunkPingLossTests {
    static let cases: [PingLossCase] = [
        PingLossCase(
            name: "all answered", steps: pingHistory(30) { _ in false }, answered: 30, lost: 0, ratio: 0...0,
            outstanding: 0),
        // Lost pings are decided 1 s after sending, answered ones at once: the
        // window of 20 holds 10 ± 1 losses.
        PingLossCase(
            name: "every other ping unanswered", steps: pingHistory(40) { $0 % 2 == 0 } + [.expire(at: 40 * 500 + 1_000)],
            answered: 20, lost: 20, ratio: 0.45...0.55, outstanding: 0),
        PingLossCase(
            name: "recovery: 20 answered pings after 20 lost ones clear the window",
            steps: pingHistory(20) { _ in true } + [.expire(at: 20 * 500 + 1_000)]
                + pingHistory(20, start: 20 * 500 + 1_100) { _ in false }.map(shifted(by: 20)),
            answered: 20, lost: 20, ratio: 0...0, outstanding: 0),
        PingLossCase(
            name: "half recovered: 10 answered after 20 lost",
            steps: pingHistory(20) { _ in true } + [.expire(at: 20 * 500 + 1_000)]
                + pingHistory(10, start: 20 * 500 + 1_100) { _ in false }.map(shifted(by: 20)),
            answered: 10, lost: 20, ratio: 0.5...0.5, outstanding: 0),
        PingLossCase(
            name: "a ninth waiting ping evicts the oldest, whose late pong is ignored",
            steps: (0..<9).map { PingStep.send($0, at: UInt64($0) * 100) } + [.pong(0, at: 900, counted: false)],
            answered: 0, lost: 1, ratio: 1...1, outstanding: 8),
        PingLossCase(
            name: "an older ping answered after a newer one, in time, is not lost",
            steps: [.send(1, at: 0), .send(2, at: 500), .pong(2, at: 520, counted: true), .expire(at: 600),
                    .pong(1, at: 900, counted: true), .expire(at: 5_000)],
            answered: 2, lost: 0, ratio: 0...0, outstanding: 0),
        PingLossCase(
            name: "an older ping never answered after a newer one was is lost at its timeout",
            steps: [.send(1, at: 0), .send(2, at: 500), .pong(2, at: 520, counted: true), .expire(at: 1_000),
                    .expire(at: 1_001)],
            answered: 1, lost: 1, ratio: 0.5...0.5, outstanding: 0),
        PingLossCase(
            name: "a pong past the timeout, before the timer ran, counts lost",
            steps: [.send(1, at: 0), .pong(1, at: 1_500, counted: true)],
            answered: 0, lost: 1, ratio: 1...1, outstanding: 0),
        PingLossCase(
            name: "a pong after the timer expired its ping is ignored",
            steps: [.send(1, at: 0), .expire(at: 1_200), .pong(1, at: 1_300, counted: false)],
            answered: 0, lost: 1, ratio: 1...1, outstanding: 0),
        PingLossCase(
            name: "duplicate and unknown pongs decide nothing",
            steps: [.pong(99, at: 0, counted: false), .send(1, at: 0), .pong(1, at: 10, counted: true),
                    .pong(1, at: 20, counted: false)],
            answered: 1, lost: 0, ratio: 0...0, outstanding: 0),
        PingLossCase(
            name: "waiting pings are undecided", steps: [.send(1, at: 0), .send(2, at: 500), .expire(at: 900)],
            answered: 0, lost: 0, ratio: 0...0, outstanding: 2),
    ]

    @Test(arguments: cases) func estimate(_ c: PingLossCase) {
        let loss = replay(c.steps)
        #expect(loss.totalAnswered == c.answered)
        #expect(loss.totalLost == c.lost)
        #expect(c.ratio.contains(loss.ratio), "ratio \(loss.ratio)")
        #expect(loss.outstandingCount == c.outstanding)
        #expect(loss.decided == min(TrunkPingLoss.window, Int(c.answered + c.lost)))
    }

    /// Round-trip time every pong takes → timeout (3 × smoothed RTT within [1 s, 3 s]).
    @Test(arguments: [
        (rttMs: UInt64(0), timeoutMs: UInt64(1_000)),
        (rttMs: 200, timeoutMs: 1_000),
        (rttMs: 500, timeoutMs: 1_500),
        (rttMs: 900, timeoutMs: 2_700),
        (rttMs: 2_000, timeoutMs: 3_000),
    ])
    func timeoutFollowsSmoothedRTT(_ row: (rttMs: UInt64, timeoutMs: UInt64)) {
        var loss = TrunkPingLoss()
        for i in UInt64(0)..<5 {
            loss.sent(sequence: UInt32(i), at: i * 10_000_000_000)
            _ = loss.answered(sequence: UInt32(i), at: i * 10_000_000_000 + row.rttMs * 1_000_000)
        }
        #expect(loss.smoothedRTTNanoseconds == row.rttMs * 1_000_000)
        #expect(loss.timeoutNanoseconds == row.timeoutMs * 1_000_000)
    }

    @Test func peerReportsLossWhilePongsVanishAndRecovers() throws {
        let mesh = TrunkSigningKey.generate()
        var p = try PeerPair(makeIdentity("node-a", mesh: mesh), makeIdentity("node-b", region: "us-east", mesh: mesh))
        let dropping = DropSwitch()
        p.lose = { side, _ in side == .b && dropping.on }
        p.establish()
        for _ in 0..<10 {
            p.advance(.milliseconds(500))
            p.pump()
        }
        #expect(p.a.pingLoss.ratio == 0)
        #expect(p.a.pingLoss.totalAnswered >= 10)
        // 2 s of silence from b (under the 3 s peer timeout): a's four pings go unanswered.
        dropping.on = true
        for _ in 0..<4 {
            p.advance(.milliseconds(500))
            p.pump()
        }
        dropping.on = false
        for _ in 0..<4 {
            p.advance(.milliseconds(500))
            p.pump()
        }
        #expect(p.a.pingLoss.totalLost == 4)
        #expect(p.a.pingLoss.lostInWindow == 4)
        #expect(p.a.pingLoss.ratio > 0.19 && p.a.pingLoss.ratio < 0.25)
        let last = try #require(p.seenA.compactMap { if case .measurement(let m) = $0 { m } else { nil } }.last)
        #expect(last.loss == p.a.pingLoss.ratio)
        #expect(!p.seenA.contains(.peerDown))
        for _ in 0..<20 {
            p.advance(.milliseconds(500))
            p.pump()
        }
        #expect(p.a.pingLoss.ratio == 0)
        #expect(p.a.pingLoss.totalLost == 4)
    }
}

/// Moves a step's sequence numbers up by `offset` (histories appended to one another).
func shifted(by offset: UInt32) -> (PingStep) -> PingStep {
    { step in
        switch step {
        case .send(let s, let t): .send(s + offset, at: t)
        case .pong(let s, let t, let c): .pong(s + offset, at: t, counted: c)
        case .expire: step
        }
    }
}

/// A flag the link's `lose` closure reads.
final class DropSwitch: Sendable {
    private let state = Mutex(false)
    var on: Bool {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
