/// What a City database knows about an address (English names).
public struct GeoLocation: Sendable, Equatable, CustomStringConvertible {
    /// ISO 3166-1 alpha-2 code (`country.iso_code`), e.g. "GB".
    public let countryCode: String?
    /// `country.names.en`, e.g. "United Kingdom".
    public let countryName: String?
    /// `city.names.en`, e.g. "London".
    public let cityName: String?
    /// `location.latitude` in degrees.
    public let latitude: Double?
    /// `location.longitude` in degrees.
    public let longitude: Double?

    public init(countryCode: String?, countryName: String?, cityName: String?, latitude: Double?, longitude: Double?) {
        self.countryCode = countryCode
        self.countryName = countryName
        self.cityName = cityName
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The coordinate, when the record has a valid latitude and longitude.
    public var coordinate: GeoCoordinate? {
        guard let latitude, let longitude else { return nil }
        return try? GeoCoordinate(latitude: latitude, longitude: longitude)
    }

    public var description: String {
        let place = [cityName, countryName ?? countryCode].compactMap { $0 }.joined(separator: ", ")
        return [place.isEmpty ? "unknown place" : place, coordinate?.description].compactMap { $0 }.joined(separator: " ")
    }
}

/// The answer to one `GeoIPDatabase.lookup`.
public enum GeoIPResult: Sendable, Equatable {
    /// The database has a record for the address.
    case found(GeoLocation)
    /// A valid address the database has no record for (private ranges, unknown networks,
    /// an IPv6 address in an IPv4-only database).
    case notFound
    /// The string is not a textual IPv4 (dotted quad) or IPv6 (RFC 4291 §2.2) address.
    case invalidAddress
    /// libmaxminddb reported an error while walking the tree or decoding data
    /// (a corrupt database); callers treat it like `.notFound`.
    case lookupFailed(reason: String)

    /// The location, when found.
    public var location: GeoLocation? {
        if case .found(let location) = self { return location }
        return nil
    }
}
