/// Client round-trip-time measurements per region, in milliseconds.
///
/// Wire form (the `rtt` query parameter of `/v1/rtc`, PROTOCOL.md):
/// `us-west:23,eu-central:88` — comma-separated `region:milliseconds` pairs,
/// milliseconds a non-negative decimal (`23` or `23.5`). Spaces around items
/// are tolerated; anything else is an error. The input comes from clients, so
/// its length and entry count are bounded.
public struct RTTHints: Sendable, Equatable, CustomStringConvertible {
    /// Longest accepted input, in bytes.
    public static let maximumInputLength = 2048
    /// Most entries accepted.
    public static let maximumEntries = 64
    /// Largest accepted measurement (one minute).
    public static let maximumMilliseconds = 60_000.0

    /// Milliseconds per region.
    public let milliseconds: [RegionID: Double]

    /// Hints from a dictionary (values are not validated; use `parse` for client input).
    public init(_ milliseconds: [RegionID: Double] = [:]) {
        self.milliseconds = milliseconds
    }

    /// Whether there are no hints.
    public var isEmpty: Bool { milliseconds.isEmpty }

    /// The measurement for `region`, if any.
    public subscript(region: RegionID) -> Double? { milliseconds[region] }

    /// Parses `us-west:23,eu-central:88`. An empty (or all-space) string gives no hints.
    /// - Throws: `GeoRoutingError.invalidRTTHints(entry:problem:)`.
    public static func parse(_ text: String) throws(GeoRoutingError) -> RTTHints {
        let utf8 = text.utf8
        guard utf8.count <= maximumInputLength else {
            throw .invalidRTTHints(entry: String(text.prefix(64)),
                                   problem: .inputTooLong(length: utf8.count, limit: maximumInputLength))
        }
        if text.allSatisfy({ $0 == " " }) { return RTTHints() }
        let entries = text.split(separator: ",", omittingEmptySubsequences: false)
        guard entries.count <= maximumEntries else {
            throw .invalidRTTHints(entry: String(text.prefix(64)),
                                   problem: .tooManyEntries(count: entries.count, limit: maximumEntries))
        }
        var result: [RegionID: Double] = [:]
        for rawEntry in entries {
            let entry = trim(rawEntry)
            func fail(_ problem: RTTHintProblem) -> GeoRoutingError {
                .invalidRTTHints(entry: String(entry.prefix(64)), problem: problem)
            }
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw fail(.missingSeparator) }
            let name = trim(parts[0])
            let value = trim(parts[1])
            guard RegionID.isValid(name), let region = try? RegionID(String(name)) else { throw fail(.invalidRegionID) }
            guard let ms = parseMilliseconds(value) else { throw fail(.invalidMilliseconds) }
            guard ms <= maximumMilliseconds else { throw fail(.millisecondsOutOfRange(limit: maximumMilliseconds)) }
            guard result.updateValue(ms, forKey: region) == nil else { throw fail(.duplicateRegion) }
        }
        return RTTHints(result)
    }

    /// `[0-9]+(\.[0-9]+)?`, at most 12 digits on each side.
    private static func parseMilliseconds(_ text: Substring) -> Double? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 2 else { return nil }
        for part in parts {
            guard !part.isEmpty, part.utf8.count <= 12,
                  part.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { return nil }
        }
        return Double(text)
    }

    private static func trim(_ text: Substring) -> Substring {
        var result = text.drop { $0 == " " }
        while result.last == " " { result = result.dropLast() }
        return result
    }

    /// The wire form, regions sorted.
    public var description: String {
        milliseconds.sorted { $0.key < $1.key }.map { "\($0.key):\(Self.format($0.value))" }.joined(separator: ",")
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && value < 1e15 ? String(Int64(value)) : String(value)
    }
}
