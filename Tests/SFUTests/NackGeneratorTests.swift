import Testing
@testable import SFU

@Suite struct NackGeneratorTests {
    @Test func gapIsRequestedThenForgottenWhenRecovered() {
        var nack = NackGenerator()
        nack.received(sequenceNumber: 65_534, nowNanoseconds: 0)
        nack.received(sequenceNumber: 2, nowNanoseconds: 0)  // 65535, 0, 1 missing across the wrap
        let r1 = nack.due(nowNanoseconds: 0)
        #expect(r1 == [65_535, 0, 1])
        let r2 = nack.due(nowNanoseconds: 10_000_000)
        #expect(r2 == [], "not again before the retry interval")
        let r3 = nack.received(sequenceNumber: 0, nowNanoseconds: 20_000_000)
        #expect(r3)
        let r4 = nack.due(nowNanoseconds: 60_000_000)
        #expect(r4 == [65_535, 1])
    }

    @Test func givesUpAfterRetriesAndAge() {
        var config = NackGenerator.Configuration()
        config.maxRetries = 2
        var nack = NackGenerator(configuration: config)
        nack.received(sequenceNumber: 1, nowNanoseconds: 0)
        nack.received(sequenceNumber: 3, nowNanoseconds: 0)
        let r5 = nack.due(nowNanoseconds: 0)
        #expect(r5 == [2])
        let r6 = nack.due(nowNanoseconds: 100_000_000)
        #expect(r6 == [2])
        let r7 = nack.due(nowNanoseconds: 200_000_000)
        #expect(r7 == [])
        #expect(nack.missingCount == 0)
    }

    @Test func aHugeJumpIsARestartNotLoss() {
        var nack = NackGenerator()
        nack.received(sequenceNumber: 10, nowNanoseconds: 0)
        nack.received(sequenceNumber: 5000, nowNanoseconds: 0)
        let r8 = nack.due(nowNanoseconds: 0)
        #expect(r8.isEmpty)
    }

    @Test func reorderingWithoutLossRequestsNothingLater() {
        var nack = NackGenerator()
        nack.received(sequenceNumber: 1, nowNanoseconds: 0)
        nack.received(sequenceNumber: 3, nowNanoseconds: 0)
        let r9 = nack.received(sequenceNumber: 2, nowNanoseconds: 1)
        #expect(r9)
        let r10 = nack.due(nowNanoseconds: 2)
        #expect(r10.isEmpty)
    }
}
