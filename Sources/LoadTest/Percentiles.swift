/// Percentiles of a small set of measured values (join times): nearest
/// rank on the sorted values (the smallest value with at least `fraction`
/// of the values at or below it).
public enum Percentiles {
    /// The `fraction` (0...1) percentile of `values`, nil when empty.
    public static func of(_ values: [Double], _ fraction: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let clamped = min(max(fraction, 0), 1)
        let rank = max(1, Int((clamped * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }
}
