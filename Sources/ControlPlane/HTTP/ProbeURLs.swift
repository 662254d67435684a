import GeoRouting

/// Where the web client measures its round trip to each region before joining
/// (`PROBE_URLS`, docs/web-client.md "Region probe"): `region=url` pairs,
/// comma-separated, e.g.
/// `us-west=https://probe.us-west.example.net/probe,eu-central=http://10.1.0.7:9090/probe`.
/// Each URL should answer a plain `GET` quickly, uncached and with
/// `Access-Control-Allow-Origin: *` (a node's metrics port serves `GET /probe`
/// that way). `GET /v1/regions` lists each region's URL as `probe`.
public enum ProbeURLs {
    /// Longest accepted `PROBE_URLS` value, in bytes.
    public static let maximumLength = 16384
    /// Longest accepted single URL, in bytes.
    public static let maximumURLLength = 1024

    /// Parses `region=url,…`. An empty (or all-space) string gives no URLs.
    /// - Throws: `ControlPlaneError.configuration(name: "PROBE_URLS", …)` for a
    ///   missing `=`, an invalid region id, a URL that is not `http(s)://` or
    ///   contains spaces, or a region given twice.
    public static func parse(_ text: String) throws(ControlPlaneError) -> [String: String] {
        func fail(_ problem: String) -> ControlPlaneError { .configuration(name: "PROBE_URLS", problem: problem) }
        guard text.utf8.count <= maximumLength else {
            throw fail("\(text.utf8.count) bytes, more than the \(maximumLength) accepted")
        }
        var result: [String: String] = [:]
        for rawEntry in text.split(separator: ",") {
            let entry = rawEntry.trimmingSpaces
            if entry.isEmpty { continue }
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw fail("entry \(entry.prefix(64)) is not region=url") }
            let region = String(parts[0]).trimmingSpaces
            let url = String(parts[1]).trimmingSpaces
            guard RegionID.isValid(region) else { throw fail("invalid region id \(region.prefix(64))") }
            guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.utf8.count > 8,
                url.utf8.count <= maximumURLLength, !url.contains(where: { $0.isWhitespace || $0 == "\"" })
            else {
                throw fail("the URL of \(region) must be http(s)://…, without spaces, at most \(maximumURLLength) bytes")
            }
            guard result.updateValue(url, forKey: region) == nil else { throw fail("region \(region) given twice") }
        }
        return result
    }
}
