import GeoRouting

/// Where a participant's transports go, and why.
public struct Placement: Sendable, Equatable, CustomStringConvertible {
    public var node: SFUNode
    public var regionName: String
    /// `rtt`, `geoip` or `default` (the `reason` label of `edgemesh_region_assignments_total`).
    public var reason: String
    public var rttMilliseconds: Double?
    public var distanceKm: Double?

    public var description: String {
        let detail = rttMilliseconds.map { " rtt=\($0)ms" } ?? distanceKm.map { " distance=\(Int($0.rounded()))km" } ?? ""
        return "node \(node.id) region \(node.region) (\(reason)\(detail))"
    }
}

/// Chooses a node for a joining participant (pure logic, ARCHITECTURE.md "Join"):
///
/// 1. A node is usable when healthy, not draining and under `maxParticipantsPerNode`.
/// 2. Among the catalog's regions that have a usable node, `RegionSelector`
///    picks one: client RTT hints first, then great-circle distance from the
///    GeoIP location, then `DEFAULT_REGION`.
/// 3. Inside the region, the least-loaded usable node (ties by id).
/// 4. Nodes whose region is not in the catalog are used only when no catalog
///    region has a usable node (reason `default`).
public struct PlacementPolicy: Sendable {
    public let catalog: RegionCatalog
    public let selector: RegionSelector
    public let maxParticipantsPerNode: Int

    public init(catalog: RegionCatalog, defaultRegion: RegionID, maxParticipantsPerNode: Int) {
        self.catalog = catalog
        self.selector = RegionSelector(configuration: .init(defaultRegion: defaultRegion))
        self.maxParticipantsPerNode = max(1, maxParticipantsPerNode)
    }

    public func isUsable(_ node: SFUNode) -> Bool {
        node.healthy && !node.draining && node.participants < maxParticipantsPerNode
    }

    /// The placement, or nil when no node is usable (`no_sfu_available`).
    public func place(nodes: [SFUNode], clientLocation: GeoCoordinate?, rttHints: RTTHints = RTTHints()) -> Placement? {
        let usable = nodes.filter(isUsable)
        guard !usable.isEmpty else { return nil }
        let regionsWithNodes = Set(usable.map(\.region))
        let candidates = catalog.regions.map {
            RegionCandidate(region: $0, hasHealthyNode: regionsWithNodes.contains($0.id.rawValue))
        }
        if let decision = selector.select(candidates: candidates, clientLocation: clientLocation, rttHints: rttHints),
            let node = Self.leastLoaded(usable.filter { $0.region == decision.region.id.rawValue })
        {
            return Placement(node: node, regionName: decision.region.name, reason: decision.reason.rawValue,
                             rttMilliseconds: decision.rttMilliseconds, distanceKm: decision.distanceKm)
        }
        guard let node = Self.leastLoaded(usable) else { return nil }
        return Placement(node: node, regionName: catalog.regions.first { $0.id.rawValue == node.region }?.name ?? node.region,
                         reason: RegionDecision.Reason.default.rawValue)
    }

    static func leastLoaded(_ nodes: [SFUNode]) -> SFUNode? {
        nodes.min { ($0.participants, $0.id) < ($1.participants, $1.id) }
    }
}
