import Synchronization

/// One Prometheus histogram series (cumulative buckets, sum and count) for
/// one label set, safe from any thread.
public final class HistogramSeries: Sendable {
    public let labels: [(String, String)]
    /// Upper bounds of the buckets, ascending (`+Inf` is implied).
    public let bounds: [Double]
    private let state: Mutex<(counts: [UInt64], sum: Double, count: UInt64)>

    public init(labels: [(String, String)] = [], bounds: [Double]) {
        self.labels = labels
        self.bounds = bounds.sorted()
        self.state = Mutex((Array(repeating: 0, count: bounds.count), 0, 0))
    }

    public func observe(_ value: Double) {
        state.withLock { state in
            if let index = bounds.firstIndex(where: { value <= $0 }) { state.counts[index] &+= 1 }
            state.sum += value
            state.count &+= 1
        }
    }

    /// Observations so far.
    public var count: UInt64 { state.withLock { $0.count } }

    /// The value below which `quantile` of observations fall, by bucket upper bound (nil when empty).
    public func quantileUpperBound(_ quantile: Double) -> Double? {
        let (counts, _, count) = state.withLock { $0 }
        guard count > 0 else { return nil }
        let target = UInt64((Double(count) * quantile).rounded(.up))
        var cumulative: UInt64 = 0
        for (bound, bucket) in zip(bounds, counts) {
            cumulative &+= bucket
            if cumulative >= target { return bound }
        }
        return .infinity
    }

    /// The series' `_bucket`, `_sum` and `_count` lines under `name` (no HELP/TYPE).
    public func render(name: String) -> String {
        let (counts, sum, count) = state.withLock { $0 }
        let base = labels.map { "\($0.0)=\"\(MetricsRegistry.escape($0.1))\"" }.joined(separator: ",")
        let bucketPrefix = base.isEmpty ? "" : base + ","
        let plain = base.isEmpty ? "" : "{\(base)}"
        var out = ""
        var cumulative: UInt64 = 0
        for (bound, bucket) in zip(bounds, counts) {
            cumulative &+= bucket
            out += "\(name)_bucket{\(bucketPrefix)le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "\(name)_bucket{\(bucketPrefix)le=\"+Inf\"} \(count)\n"
        out += "\(name)_sum\(plain) \(sum)\n\(name)_count\(plain) \(count)\n"
        return out
    }
}

/// A histogram without labels.
public final class Histogram: Sendable {
    public let name: String
    public let help: String
    private let series: HistogramSeries

    public init(name: String, help: String, bounds: [Double]) {
        self.name = name
        self.help = help
        self.series = HistogramSeries(bounds: bounds)
    }

    /// Upper bounds of the buckets, ascending.
    public var bounds: [Double] { series.bounds }
    public func observe(_ value: Double) { series.observe(value) }
    /// Observations so far.
    public var count: UInt64 { series.count }
    /// See ``HistogramSeries/quantileUpperBound(_:)``.
    public func quantileUpperBound(_ quantile: Double) -> Double? { series.quantileUpperBound(quantile) }

    /// The Prometheus text format lines of this histogram (HELP and TYPE included, also when empty).
    public func render() -> String {
        "# HELP \(name) \(help)\n# TYPE \(name) histogram\n" + series.render(name: name)
    }
}

/// One histogram family (one name) whose series appear on first use, one per label set.
public final class HistogramFamily: Sendable {
    public let name: String
    public let help: String
    public let bounds: [Double]
    private let all = Mutex<[String: HistogramSeries]>([:])

    public init(name: String, help: String, bounds: [Double]) {
        self.name = name
        self.help = help
        self.bounds = bounds
    }

    /// The series of `labels` (created on first use).
    public func series(_ labels: [(String, String)]) -> HistogramSeries {
        let key = labels.map { "\($0.0)=\($0.1)" }.joined(separator: "\u{0}")
        return all.withLock { all in
            if let existing = all[key] { return existing }
            let created = HistogramSeries(labels: labels, bounds: bounds)
            all[key] = created
            return created
        }
    }

    /// The family in the Prometheus text format; empty before any series exists.
    public func render() -> String {
        let series = all.withLock { $0.sorted { $0.key < $1.key }.map(\.value) }
        guard !series.isEmpty else { return "" }
        return "# HELP \(name) \(help)\n# TYPE \(name) histogram\n" + series.map { $0.render(name: name) }.joined()
    }
}
