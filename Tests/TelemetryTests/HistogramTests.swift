import Testing
@testable import Telemetry

/// The one Prometheus histogram the backend and the nodes share.
@Suite struct HistogramTests {
    @Test func unlabelledRendersCumulativeBucketsSumAndCount() {
        let histogram = Histogram(name: "edgemesh_t_seconds", help: "T.", bounds: [1, 0.5])  // sorted on creation
        #expect(histogram.render().contains("edgemesh_t_seconds_count 0\n"), "an empty histogram still renders")
        for value in [0.25, 0.75, 0.75, 3] { histogram.observe(value) }
        #expect(histogram.bounds == [0.5, 1])
        #expect(histogram.count == 4)
        #expect(histogram.render() == """
            # HELP edgemesh_t_seconds T.
            # TYPE edgemesh_t_seconds histogram
            edgemesh_t_seconds_bucket{le="0.5"} 1
            edgemesh_t_seconds_bucket{le="1.0"} 3
            edgemesh_t_seconds_bucket{le="+Inf"} 4
            edgemesh_t_seconds_sum 4.75
            edgemesh_t_seconds_count 4

            """)
    }

    @Test func quantilesAreBucketUpperBounds() {
        let series = HistogramSeries(bounds: [0.001, 0.01, 0.1])
        #expect(series.quantileUpperBound(0.5) == nil)
        for _ in 0..<98 { series.observe(0.0005) }
        series.observe(0.05)
        series.observe(7)
        #expect(series.quantileUpperBound(0.5) == 0.001)
        #expect(series.quantileUpperBound(0.99) == 0.1)
        #expect(series.quantileUpperBound(1) == .infinity)
    }

    @Test func aFamilyKeepsOneSeriesPerLabelSetAndEscapesValues() {
        let family = HistogramFamily(name: "edgemesh_f_seconds", help: "F.", bounds: [1])
        #expect(family.render() == "", "no series, no lines")
        let a = family.series([("node", "n\"1"), ("region", "eu")])
        let b = family.series([("node", "n2"), ("region", "eu")])
        #expect(family.series([("node", "n\"1"), ("region", "eu")]) === a)
        #expect(a !== b)
        a.observe(0.5)
        b.observe(2)
        let text = family.render()
        #expect(text.split(separator: "\n").filter { $0 == "# TYPE edgemesh_f_seconds histogram" }.count == 1)
        #expect(text.contains("edgemesh_f_seconds_bucket{node=\"n\\\"1\",region=\"eu\",le=\"1.0\"} 1\n"))
        #expect(text.contains("edgemesh_f_seconds_bucket{node=\"n2\",region=\"eu\",le=\"1.0\"} 0\n"))
        #expect(text.contains("edgemesh_f_seconds_count{node=\"n2\",region=\"eu\"} 1\n"))
    }
}
