import Testing
@testable import Telemetry

@Suite struct MetricsRegistryTests {
    @Test func rendersFamiliesOnceWithEscapedLabels() {
        let registry = MetricsRegistry()
        let a = registry.counter("edgemesh_x_total", help: "X.", labels: [("reason", "a\"b")])
        let b = registry.counter("edgemesh_x_total", help: "X.", labels: [("reason", "c")])
        let g = registry.gauge("edgemesh_g", help: "G.")
        a.increment(by: 3)
        b.increment()
        g.set(-2)
        #expect(registry.counter("edgemesh_x_total", help: "X.", labels: [("reason", "c")]) === b)
        let text = registry.render()
        #expect(text.split(separator: "\n").filter { $0 == "# TYPE edgemesh_x_total counter" }.count == 1)
        #expect(text.contains("edgemesh_x_total{reason=\"a\\\"b\"} 3\n"))
        #expect(text.contains("edgemesh_x_total{reason=\"c\"} 1\n"))
        #expect(text.contains("edgemesh_g -2\n"))
    }

    @Test func servesProcessMetrics() throws {
        let text = MetricsRegistry().render()
        let rss = try #require(text.split(separator: "\n").first { $0.hasPrefix("process_resident_memory_bytes ") })
        let bytes = try #require(Int(rss.split(separator: " ")[1]))
        #expect(bytes > 1 << 20, "a Swift process holds more than 1 MiB")
        #expect(text.contains("# TYPE process_cpu_seconds_total counter"))
    }
}
