/// A log-linear histogram of nanosecond values (HdrHistogram's layout with
/// 32 sub-buckets per power of two, so any recorded value is known to within
/// about 3 %): fixed memory, no allocation per recorded value, mergeable.
public struct LatencyHistogram: Sendable, Hashable {
    static let subBucketBits = 5
    static let subBuckets = 1 << subBucketBits
    static let bucketCount = (64 - subBucketBits + 1) * subBuckets

    private var counts: [UInt32]
    public private(set) var count: UInt64 = 0
    public private(set) var sum: UInt64 = 0
    public private(set) var minimum: UInt64 = .max
    public private(set) var maximum: UInt64 = 0

    public init() {
        counts = [UInt32](repeating: 0, count: Self.bucketCount)
    }

    /// The bucket a value falls in.
    @inline(__always)
    static func index(of value: UInt64) -> Int {
        guard value >= UInt64(subBuckets) else { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount  // ≥ subBucketBits
        let shift = exponent - subBucketBits
        let sub = Int((value >> UInt64(shift)) & UInt64(subBuckets - 1))
        return (shift + 1) * subBuckets + sub
    }

    /// The smallest value of bucket `index`, and its width.
    static func range(of index: Int) -> (lower: UInt64, width: UInt64) {
        guard index >= subBuckets else { return (UInt64(index), 1) }
        let shift = index / subBuckets - 1
        let sub = UInt64(index % subBuckets)
        return ((UInt64(subBuckets) | sub) << UInt64(shift), 1 << UInt64(shift))
    }

    /// Records one value.
    @inline(__always)
    public mutating func record(_ value: UInt64) {
        counts[Self.index(of: value)] &+= 1
        count &+= 1
        sum &+= value
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
    }

    /// Adds another histogram's values.
    public mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices where other.counts[index] != 0 {
            counts[index] &+= other.counts[index]
        }
        count &+= other.count
        sum &+= other.sum
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
    }

    /// Forgets every value.
    public mutating func reset() {
        for index in counts.indices { counts[index] = 0 }
        count = 0
        sum = 0
        minimum = .max
        maximum = 0
    }

    /// The value below which `fraction` (0...1) of the recorded values fall:
    /// the midpoint of the bucket that holds that rank, clamped to the
    /// recorded minimum and maximum. Nil when empty.
    public func percentile(_ fraction: Double) -> UInt64? {
        guard count > 0 else { return nil }
        let clamped = Swift.min(Swift.max(fraction, 0), 1)
        let rank = Swift.max(1, UInt64((clamped * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for index in counts.indices where counts[index] != 0 {
            seen += UInt64(counts[index])
            if seen >= rank {
                let (lower, width) = Self.range(of: index)
                return Swift.min(Swift.max(lower + width / 2, minimum), maximum)
            }
        }
        return maximum
    }

    /// Mean value, nil when empty.
    public var mean: Double? {
        count == 0 ? nil : Double(sum) / Double(count)
    }
}
