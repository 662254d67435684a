/// A region identifier: `[a-z0-9-]+`, 1 to 63 characters (e.g. `eu-central`).
public struct RegionID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Longest accepted id (a DNS label's length).
    public static let maximumLength = 63
    /// The id text.
    public let rawValue: String

    /// A validated id.
    /// - Throws: `GeoRoutingError.invalidRegionID`.
    public init(_ rawValue: String) throws(GeoRoutingError) {
        guard Self.isValid(rawValue) else { throw .invalidRegionID(String(rawValue.prefix(80))) }
        self.rawValue = rawValue
    }

    /// Whether `text` is a valid region id.
    public static func isValid(_ text: some StringProtocol) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= maximumLength else { return false }
        return utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }

    public static func < (lhs: RegionID, rhs: RegionID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
}

/// A region of the mesh, as described by `regions/<id>.yaml`.
public struct Region: Sendable, Hashable, CustomStringConvertible {
    /// Unique id, equal to the file name without `.yaml`.
    public let id: RegionID
    /// Human-readable name (e.g. "Frankfurt").
    public let name: String
    /// Where the region's nodes are, for nearest-region choice.
    public let location: GeoCoordinate

    public init(id: RegionID, name: String, location: GeoCoordinate) {
        self.id = id
        self.name = name
        self.location = location
    }

    public var description: String { "\(id) (\(name) \(location))" }
}
