import Testing
@testable import SFU

@Suite struct SimulcastSelectorTests {
    @Test func switchesOnlyOnKeyframe() {
        var s = SimulcastSelector(preferred: .high)
        s.updateTarget(activeLayers: [true, true, true])
        #expect(s.targetLayer == 2)
        #expect(!s.shouldForward(layer: 2, isKeyframe: false))
        #expect(s.shouldForward(layer: 2, isKeyframe: true))
        #expect(s.shouldForward(layer: 2, isKeyframe: false))
        #expect(!s.shouldForward(layer: 0, isKeyframe: true))

        s.preferred = .low
        #expect(s.updateTarget(activeLayers: [true, true, true]))
        #expect(s.shouldForward(layer: 2, isKeyframe: false), "keeps the old layer until the new one has a keyframe")
        #expect(s.shouldForward(layer: 0, isKeyframe: true))
        #expect(!s.shouldForward(layer: 2, isKeyframe: false))
    }

    @Test func congestionLowersTheTargetAndAnEstimateNeverBlocksUpgrades() {
        var s = SimulcastSelector(preferred: .high)
        s.updateTarget(activeLayers: [true, true, true])
        #expect(s.shouldForward(layer: 2, isKeyframe: true))
        // 600 kbit/s cannot carry the 1.5 Mbit/s layer: down to the medium one.
        s.bandwidthEstimate = 600_000
        s.updateTarget(activeLayers: [true, true, true])
        #expect(s.targetLayer == 1)
        #expect(s.shouldForward(layer: 1, isKeyframe: true))
        s.bandwidthEstimate = 100_000
        s.updateTarget(activeLayers: [true, true, true])
        #expect(s.targetLayer == 0)
        #expect(s.shouldForward(layer: 0, isKeyframe: true))
        // An estimate that is not congested for the low layer lets the
        // consumer try its preference again.
        s.bandwidthEstimate = 250_000
        s.updateTarget(activeLayers: [true, true, true])
        #expect(s.targetLayer == 2)
    }

    @Test(arguments: [
        ([true, false, false], 0),
        ([false, true, false], 1),
        ([false, false, true], 2),
        ([true, true, false], 1),
    ])
    func fallsBackToALiveLayer(active: [Bool], expected: Int) {
        var s = SimulcastSelector(preferred: .high)
        s.updateTarget(activeLayers: active)
        #expect(s.targetLayer == expected)
    }
}
