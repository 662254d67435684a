import Testing
@testable import SFU

@Suite struct NackGeneratorTests {
    @Test func gapIsRequestedThenForgottenWhenRecovered() {
        var nack = NackGenerator()
        nack.received(sequenceNumber: 65_534, nowNanoseconds: 0)
        nack.received(sequenceNumber: 2, nowNanoseconds: 0)  // 65535, 0, 1 missing across the wrap
        #expect(nack.due(nowNanoseconds: 0) == [65_535, 0, 1])
        #expect(nack.due(nowNanoseconds: 10_000_000) == [], "not again before the retry interval")
        #expect(nack.received(sequenceNumber: 0, nowNanoseconds: 20_000_000))
        #expect(nack.due(nowNanoseconds: 60_000_000) == [65_535, 1])
    }

    @Test func givesUpAfterRetriesAndAge() {
        var config = NackGenerator.Configuration()
        config.maxRetries = 2
        var nack = NackGenerator(configuration: config)
        nack.received(sequenceNumber: 1, nowNanoseconds: 0)
        nack.received(sequenceNumber: 3, nowNanoseconds: 0)
        #expect(nack.due(nowNanoseconds: 0) == [2])
        #expect(nack.due(nowNanoseconds: 100_000_000) == [2])
        #expect(nack.due(nowNanoseconds: 200_000_000) == [])
        #expect(nack.missingCount == 0)
    }

    @Test func aHugeJumpIsARestartNotLoss() {
        var nack = NackGenerator()
        nack.received(sequenceNumber: 10, nowNanoseconds: 0)
        nack.received(sequenceNumber: 5000, nowNanoseconds: 0)
        #expect(nack.due(nowNanoseconds: 0).isEmpty)
    }

    @Test func reorderingWithoutLossRequestsNothingLater() {
        var nack = NackGenerator()
        nack.received(sequenceNumber: 1, nowNanoseconds: 0)
        nack.received(sequenceNumber: 3, nowNanoseconds: 0)
        #expect(nack.received(sequenceNumber: 2, nowNanoseconds: 1))
        #expect(nack.due(nowNanoseconds: 2).isEmpty)
    }
}
