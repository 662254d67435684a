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

    @Test func bandwidthLowersTheTarget() {
        var s = SimulcastSelector(preferred: .high)
        s.bandwidthEstimate = 600_000
        s.updateTarget(activeLayers: [true, true, true])
        #expect(s.targetLayer == 1)
        s.bandwidthEstimate = 100_000
        s.updateTarget(activeLayers: [true, true, true])
        #expect(s.targetLayer == 0)
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
