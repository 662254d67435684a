import Testing

@testable import Trunk

@Suite("TrunkReplayWindow (RFC 6479)")
struct TrunkReplayWindowTests {
    @Test func inOrderCountersAreAccepted() {
        var window = TrunkReplayWindow()
        for counter: UInt64 in 0..<5000 {
            #expect(window.check(counter) == .accept)
            #expect(window.commit(counter) == .accept)
        }
        #expect(window.highest == 4999)
    }

    @Test func duplicatesAreRejected() {
        var window = TrunkReplayWindow()
        #expect(window.commit(0) == .accept)
        #expect(window.commit(0) == .duplicate)
        #expect(window.commit(10) == .accept)
        #expect(window.commit(10) == .duplicate)
        #expect(window.check(0) == .duplicate)
        #expect(window.check(5) == .accept)
    }

    @Test func outOfOrderWithinTheWindowIsAcceptedOnce() {
        var window = TrunkReplayWindow()
        window.commit(2000)
        // Everything in (2000 - 1024, 2000) arrives late, in reverse order.
        for counter in stride(from: UInt64(1999), through: 2000 - 1023, by: -1) {
            #expect(window.commit(counter) == .accept, "counter \(counter)")
        }
        for counter in stride(from: UInt64(1999), through: 2000 - 1023, by: -7) {
            #expect(window.commit(counter) == .duplicate, "counter \(counter)")
        }
        #expect(window.highest == 2000)
    }

    @Test(arguments: [
        // (highest, counter, verdict)
        (UInt64(2000), UInt64(977), TrunkReplayWindow.Verdict.accept),  // 2000 - 1023: oldest kept
        (UInt64(2000), UInt64(976), TrunkReplayWindow.Verdict.tooOld),  // 2000 - 1024
        (UInt64(2000), UInt64(0), TrunkReplayWindow.Verdict.tooOld),
        (UInt64.max, UInt64.max - 1023, TrunkReplayWindow.Verdict.accept),
        (UInt64.max, UInt64.max - 1024, TrunkReplayWindow.Verdict.tooOld),
    ])
    func windowEdge(highest: UInt64, counter: UInt64, verdict: TrunkReplayWindow.Verdict) {
        var window = TrunkReplayWindow()
        window.commit(highest)
        #expect(window.check(counter) == verdict)
        #expect(window.commit(counter) == verdict)
    }

    @Test func bigJumpClearsStaleBits() {
        var window = TrunkReplayWindow()
        for counter: UInt64 in 0..<2048 { window.commit(counter) }  // fill the whole ring
        let jump: UInt64 = 1 << 40
        #expect(window.commit(jump) == .accept)
        #expect(window.check(2047) == .tooOld)
        // Counters just below the jump alias ring slots that held old bits: must be accepted.
        for counter in (jump - 1023)..<jump {
            #expect(window.check(counter) == .accept, "counter \(counter)")
        }
        #expect(window.commit(jump - 1) == .accept)
        #expect(window.commit(jump - 1) == .duplicate)
        #expect(window.commit(jump) == .duplicate)
    }

    @Test func moderateJumpsKeepTheTail() {
        var window = TrunkReplayWindow()
        window.commit(100)
        window.commit(700)  // jump of 600 (< window): 100 still tracked
        #expect(window.check(100) == .duplicate)
        #expect(window.check(101) == .accept)
        window.commit(1123)  // 100 is now exactly 1023 behind
        #expect(window.check(100) == .duplicate)
        window.commit(1124)
        #expect(window.check(100) == .tooOld)
        #expect(window.check(700) == .duplicate)
    }

    @Test func checkDoesNotMutate() {
        var window = TrunkReplayWindow()
        window.commit(5)
        let before = window
        _ = window.check(6)
        _ = window.check(1 << 50)
        #expect(window == before)
        #expect(window.check(6) == .accept)
    }

    /// Property check against a set-based model over a pseudo-random walk.
    @Test func matchesAReferenceModel() {
        var window = TrunkReplayWindow()
        var seen = Set<UInt64>()
        var highest: UInt64 = 0
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        var base: UInt64 = 0
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407  // LCG
            let r = state >> 33
            switch r % 10 {
            case 0: base += r % 3000  // forward jump
            case 1: base += 1
            default: break
            }
            let counter = base >= r % 1500 ? base - r % 1500 : 0
            let expected: TrunkReplayWindow.Verdict =
                if counter > highest { .accept } else if highest - counter >= 1024 { .tooOld } else if seen.contains(counter) {
                    .duplicate
                } else { .accept }
            let verdict = window.commit(counter)
            #expect(verdict == expected, "counter \(counter) highest \(highest)")
            if verdict != expected { break }
            if expected == .accept {
                seen.insert(counter)
                highest = max(highest, counter)
            }
        }
    }
}
