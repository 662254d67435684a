import Foundation

/// A point on Earth in decimal degrees (WGS 84).
public struct GeoCoordinate: Sendable, Hashable, CustomStringConvertible {
    /// Mean Earth radius used for distances (IUGG mean radius R1), in km.
    public static let earthRadiusKm = 6371.0088

    /// Degrees north, -90…90.
    public let latitude: Double
    /// Degrees east, -180…180.
    public let longitude: Double

    /// A validated coordinate.
    /// - Throws: `GeoRoutingError.invalidCoordinate` when out of range or not finite.
    public init(latitude: Double, longitude: Double) throws(GeoRoutingError) {
        guard Self.isValid(latitude: latitude, longitude: longitude) else {
            throw .invalidCoordinate(latitude: latitude, longitude: longitude)
        }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Whether the pair is a finite, in-range coordinate.
    public static func isValid(latitude: Double, longitude: Double) -> Bool {
        latitude.isFinite && longitude.isFinite && (-90...90).contains(latitude) && (-180...180).contains(longitude)
    }

    /// Great-circle distance in km by the haversine formula:
    /// `a = sin²(Δφ/2) + cos φ1 · cos φ2 · sin²(Δλ/2)`, `d = 2R · atan2(√a, √(1−a))`.
    public func distanceKm(to other: GeoCoordinate) -> Double {
        let toRadians = Double.pi / 180
        let phi1 = latitude * toRadians
        let phi2 = other.latitude * toRadians
        let dPhi = (other.latitude - latitude) * toRadians
        let dLambda = (other.longitude - longitude) * toRadians
        let s1 = sin(dPhi / 2)
        let s2 = sin(dLambda / 2)
        let a = min(max(s1 * s1 + cos(phi1) * cos(phi2) * s2 * s2, 0), 1)
        return 2 * Self.earthRadiusKm * atan2(a.squareRoot(), (1 - a).squareRoot())
    }

    public var description: String { "(\(latitude), \(longitude))" }
}
