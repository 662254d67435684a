/// A region offered to the selector, with whether it can take a participant now.
public struct RegionCandidate: Sendable, Hashable {
    public let region: Region
    /// True when the region has at least one healthy node under its load limit.
    public let hasHealthyNode: Bool

    public init(region: Region, hasHealthyNode: Bool) {
        self.region = region
        self.hasHealthyNode = hasHealthyNode
    }
}

/// The outcome of a region choice.
public struct RegionDecision: Sendable, Equatable, CustomStringConvertible {
    /// Why the region was chosen; `rawValue` doubles as a metric label.
    public enum Reason: String, Sendable, Hashable {
        /// The lowest client-measured RTT among healthy regions.
        case rtt
        /// The nearest healthy region to the client's GeoIP location.
        case geoip
        /// Neither applied: the default region (or, if it is unavailable, the
        /// healthy region nearest to it).
        case `default`
    }

    public let region: Region
    public let reason: Reason
    /// The measured RTT of the chosen region, for `.rtt`.
    public let rttMilliseconds: Double?
    /// Client-to-region distance in km, for `.geoip`.
    public let distanceKm: Double?

    public init(region: Region, reason: Reason, rttMilliseconds: Double? = nil, distanceKm: Double? = nil) {
        self.region = region
        self.reason = reason
        self.rttMilliseconds = rttMilliseconds
        self.distanceKm = distanceKm
    }

    public var description: String {
        let detail = rttMilliseconds.map { " rtt=\($0)ms" } ?? distanceKm.map { " distance=\(Int($0.rounded()))km" } ?? ""
        return "\(region.id) (\(reason.rawValue)\(detail))"
    }
}

/// Chooses the region a participant joins (pure logic; no I/O):
///
/// 1. Only candidates with a healthy node are eligible.
/// 2. RTT hints, when any refer to an eligible region, win: lowest RTT.
/// 3. Otherwise, with a client location, the nearest eligible region by
///    great-circle distance.
/// 4. Otherwise the default region if eligible, else the eligible region nearest
///    to the default region's location (if that is known), else the first by id.
///
/// Ties are broken by region id so the choice is deterministic.
public struct RegionSelector: Sendable {
    /// Selector settings.
    public struct Configuration: Sendable, Equatable {
        /// Region used when neither RTT hints nor GeoIP decide (`DEFAULT_REGION`).
        public var defaultRegion: RegionID

        public init(defaultRegion: RegionID) {
            self.defaultRegion = defaultRegion
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The chosen region, or nil when no candidate has a healthy node.
    public func select(
        candidates: [RegionCandidate], clientLocation: GeoCoordinate?, rttHints: RTTHints = RTTHints()
    ) -> RegionDecision? {
        let eligible = candidates.filter(\.hasHealthyNode).map(\.region).sorted { $0.id < $1.id }
        guard !eligible.isEmpty else { return nil }

        let measured = eligible.compactMap { region in rttHints[region.id].map { (region, $0) } }
        if let best = Self.minimum(measured) {
            return RegionDecision(region: best.0, reason: .rtt, rttMilliseconds: best.1)
        }
        if let clientLocation {
            let distances = eligible.map { ($0, $0.location.distanceKm(to: clientLocation)) }
            if let nearest = Self.minimum(distances) {
                return RegionDecision(region: nearest.0, reason: .geoip, distanceKm: nearest.1)
            }
        }
        if let preferred = eligible.first(where: { $0.id == configuration.defaultRegion }) {
            return RegionDecision(region: preferred, reason: .default)
        }
        if let anchor = candidates.first(where: { $0.region.id == configuration.defaultRegion })?.region.location,
            let nearest = Self.minimum(eligible.map { ($0, $0.location.distanceKm(to: anchor)) })
        {
            return RegionDecision(region: nearest.0, reason: .default)
        }
        return eligible.first.map { RegionDecision(region: $0, reason: .default) }
    }

    /// The pair with the smallest value; the input is sorted by id, so the first wins ties.
    private static func minimum(_ pairs: [(Region, Double)]) -> (Region, Double)? {
        var best: (Region, Double)?
        for pair in pairs where best.map({ pair.1 < $0.1 }) ?? true { best = pair }
        return best
    }
}
