import LoadTest
import Testing

@Suite struct PercentileTests {
    @Test(arguments: [
        // values, fraction, expected (nearest rank)
        ([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5.0),
        ([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.0),
        ([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99, 10.0),
        ([10.0, 1, 5], 0.0, 1.0),
        ([10.0, 1, 5], 1.0, 10.0),
        ([42.0], 0.5, 42.0),
    ])
    func nearestRank(values: [Double], fraction: Double, expected: Double) {
        #expect(Percentiles.of(values, fraction) == expected)
    }

    @Test func emptyHasNone() {
        #expect(Percentiles.of([], 0.5) == nil)
    }
}
