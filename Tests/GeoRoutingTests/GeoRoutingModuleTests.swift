import Testing
@testable import GeoRouting
