import Testing
@testable import SFU

@Suite struct SimulcastSelectorTests {
    @Test func switchesOnlyOnKeyframe() {
        var s = SimulcastSelector(preferred: .high)
        s.updateTarget(activeLayers: [true, true, true])
        #expect(s.targetLayer == 2)
        let r1 = s.shouldForward(layer: 2, isKeyframe: false)
        #expect(!r1)
        let r2 = s.shouldForward(layer: 2, isKeyframe: true)
        #expect(r2)
        let r3 = s.shouldForward(layer: 2, isKeyframe: false)
        #expect(r3)
        let r4 = s.shouldForward(layer: 0, isKeyframe: true)
        #expect(!r4)

        s.preferred = .low
        let r5 = s.updateTarget(activeLayers: [true, true, true])
        #expect(r5)
        let r6 = s.shouldForward(layer: 2, isKeyframe: false)
        #expect(r6, "keeps the old layer until the new one has a keyframe")
        let r7 = s.shouldForward(layer: 0, isKeyframe: true)
        #expect(r7)
        let r8 = s.shouldForward(layer: 2, isKeyframe: false)
        #expect(!r8)
    }

    @Test func congestionCapsTheLayerAndTheCapLiftsAfterTheHold() {
        var s = SimulcastSelector(preferred: .high)
        let rates: [UInt64] = [150_000, 500_000, 1_500_000]
        s.updateTarget(activeLayers: [true, true, true], layerBitrates: rates, nowNanoseconds: 0)
        let r9 = s.shouldForward(layer: 2, isKeyframe: true)
        #expect(r9)
        // A low but rising estimate is the receiver ramping up, not congestion.
        s.bandwidthEstimate = 300_000
        s.bandwidthEstimate = 400_000
        s.updateTarget(activeLayers: [true, true, true], layerBitrates: rates, nowNanoseconds: 1)
        #expect(s.targetLayer == 2)
        // Falling to 600 kbit/s cannot carry the 1.5 Mbit/s layer: down to the medium one.
        s.bandwidthEstimate = 3_000_000
        s.bandwidthEstimate = 600_000
        s.updateTarget(activeLayers: [true, true, true], layerBitrates: rates, nowNanoseconds: 1)
        #expect(s.targetLayer == 1)
        let r10 = s.shouldForward(layer: 1, isKeyframe: true)
        #expect(r10)
        s.bandwidthEstimate = 100_000
        s.updateTarget(activeLayers: [true, true, true], layerBitrates: rates, nowNanoseconds: 2)
        #expect(s.targetLayer == 0)
        let r11 = s.shouldForward(layer: 0, isKeyframe: true)
        #expect(r11)
        // No congestion on the low layer: held there until the hold passes,
        // then allowed one layer up at a time.
        s.bandwidthEstimate = 250_000
        s.updateTarget(activeLayers: [true, true, true], layerBitrates: rates, nowNanoseconds: 1_000_000_000)
        #expect(s.targetLayer == 0)
        s.updateTarget(activeLayers: [true, true, true], layerBitrates: rates, nowNanoseconds: 8_000_000_002)
        #expect(s.targetLayer == 1)
        let r12 = s.shouldForward(layer: 1, isKeyframe: true)
        #expect(r12)
        s.bandwidthEstimate = 2_000_000
        s.updateTarget(activeLayers: [true, true, true], layerBitrates: rates, nowNanoseconds: 16_000_000_003)
        #expect(s.targetLayer == 2)
    }

    @Test func measuredRatesOverrideNominalOnes() {
        var s = SimulcastSelector(preferred: .high)
        s.updateTarget(activeLayers: [true, true], layerBitrates: [100_000, 300_000])
        let r13 = s.shouldForward(layer: 1, isKeyframe: true)
        #expect(r13)
        // 300 kbit/s carries the measured 300 kbit/s layer (nominal would say 500).
        s.bandwidthEstimate = 1_000_000
        s.bandwidthEstimate = 300_000
        s.updateTarget(activeLayers: [true, true], layerBitrates: [100_000, 300_000])
        #expect(s.targetLayer == 1)
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
