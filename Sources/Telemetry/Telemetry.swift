import Synchronization

/// Metric names shared by every EdgeMesh service. All carry the `edgemesh_` prefix.
public enum MetricName {
    public static let prefix = "edgemesh_"
}

/// A monotonically increasing counter, safe to bump from any thread.
public final class Counter: Sendable {
    public let name: String
    public let help: String
    public let labels: [(String, String)]
    private let value = Atomic<UInt64>(0)

    init(name: String, help: String, labels: [(String, String)]) {
        self.name = name
        self.help = help
        self.labels = labels
    }

    @inline(__always)
    public func increment(by amount: UInt64 = 1) {
        value.wrappingAdd(amount, ordering: .relaxed)
    }

    public var current: UInt64 { value.load(ordering: .relaxed) }
}

/// A value that goes up and down (transports, participants), safe from any thread.
public final class Gauge: Sendable {
    public let name: String
    public let help: String
    public let labels: [(String, String)]
    private let value = Atomic<Int64>(0)

    init(name: String, help: String, labels: [(String, String)]) {
        self.name = name
        self.help = help
        self.labels = labels
    }

    public func set(_ newValue: Int64) { value.store(newValue, ordering: .relaxed) }
    public func add(_ delta: Int64) { value.wrappingAdd(delta, ordering: .relaxed) }
    public var current: Int64 { value.load(ordering: .relaxed) }
}

/// The metrics of one process, rendered in the Prometheus text exposition
/// format (version 0.0.4). Registration happens at start-up; updates are
/// lock-free atomics so the media path can count without contention.
public final class MetricsRegistry: Sendable {
    private let state = Mutex<(counters: [Counter], gauges: [Gauge])>(([], []))

    public init() {}

    /// Registers (or returns the existing) counter with this name and labels.
    public func counter(_ name: String, help: String, labels: [(String, String)] = []) -> Counter {
        state.withLock { state in
            if let existing = state.counters.first(where: { $0.name == name && $0.labels.elementsEqual(labels, by: ==) }) {
                return existing
            }
            let counter = Counter(name: name, help: help, labels: labels)
            state.counters.append(counter)
            return counter
        }
    }

    /// Registers (or returns the existing) gauge with this name and labels.
    public func gauge(_ name: String, help: String, labels: [(String, String)] = []) -> Gauge {
        state.withLock { state in
            if let existing = state.gauges.first(where: { $0.name == name && $0.labels.elementsEqual(labels, by: ==) }) {
                return existing
            }
            let gauge = Gauge(name: name, help: help, labels: labels)
            state.gauges.append(gauge)
            return gauge
        }
    }

    /// The Prometheus text format of every metric.
    public func render() -> String {
        let (counters, gauges) = state.withLock { state in
            (state.counters.sorted { $0.name < $1.name }, state.gauges.sorted { $0.name < $1.name })
        }
        var out = ""
        var described = Set<String>()
        func line(_ name: String, _ labels: [(String, String)], _ value: String) {
            out += name
            if !labels.isEmpty {
                out += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
            }
            out += " \(value)\n"
        }
        for c in counters {
            if described.insert(c.name).inserted { out += "# HELP \(c.name) \(c.help)\n# TYPE \(c.name) counter\n" }
            line(c.name, c.labels, String(c.current))
        }
        for g in gauges {
            if described.insert(g.name).inserted { out += "# HELP \(g.name) \(g.help)\n# TYPE \(g.name) gauge\n" }
            line(g.name, g.labels, String(g.current))
        }
        return out + ProcessMetrics.render()
    }

    /// A label value in the exposition format's escaping.
    static func escape(_ s: String) -> String {
        var r = ""
        for ch in s {
            switch ch {
            case "\\": r += "\\\\"
            case "\"": r += "\\\""
            case "\n": r += "\\n"
            default: r.append(ch)
            }
        }
        return r
    }
}
