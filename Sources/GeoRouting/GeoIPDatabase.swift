import CMaxMindDB
import Foundation

/// A MaxMind DB (GeoIP2 / GeoLite2 City or Country) opened with libmaxminddb.
///
/// Thread safety: after `init`, libmaxminddb only reads the memory-mapped file
/// (`MMDB_lookup_sockaddr` and `MMDB_aget_value` take the database as `const`
/// and keep no per-call state in it), so one instance serves concurrent lookups
/// from any number of threads without locking. The handle is closed
/// (`MMDB_close`) when the instance is released.
public final class GeoIPDatabase: @unchecked Sendable {
    /// The path the database was opened from.
    public let path: String
    /// `database_type` from the metadata, e.g. "GeoIP2-City".
    public let databaseType: String
    /// Build time from the metadata, seconds since 1970.
    public let buildEpoch: UInt64
    private let mmdb: UnsafeMutablePointer<MMDB_s>

    /// Opens (memory-maps) the database at `path`.
    /// - Throws: `GeoRoutingError.openFailed(path:reason:)`, with `.fileMissing`
    ///   (checked before libmaxminddb is called), `.notAFile`, `.unreadable` or
    ///   `.invalidDatabase` for a file that is not a valid MaxMind DB.
    public init(path: String) throws(GeoRoutingError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .openFailed(path: path, reason: .fileMissing)
        }
        guard !isDirectory.boolValue else { throw .openFailed(path: path, reason: .notAFile) }
        // An empty file cannot be memory-mapped (EINVAL), which libmaxminddb reports as an
        // I/O error; it is a broken database, not an unreadable file.
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        guard size != 0 else { throw .openFailed(path: path, reason: .invalidDatabase(detail: "file is empty")) }

        let handle = UnsafeMutablePointer<MMDB_s>.allocate(capacity: 1)
        handle.initialize(to: MMDB_s())
        errno = 0
        let status = MMDB_open(path, UInt32(MMDB_MODE_MMAP), handle)
        let savedErrno = errno
        guard status == MMDB_SUCCESS else {
            handle.deallocate()  // MMDB_open frees what it allocated on failure
            throw .openFailed(path: path, reason: Self.failure(status: status, errno: savedErrno))
        }
        self.path = path
        self.mmdb = handle
        let metadata = handle.pointee.metadata
        self.databaseType = metadata.database_type.map { String(cString: $0) } ?? ""
        self.buildEpoch = metadata.build_epoch
    }

    deinit {
        MMDB_close(mmdb)
        mmdb.deallocate()
    }

    /// Looks up a textual IPv4 or IPv6 address (no port, no zone index).
    public func lookup(_ ip: String) -> GeoIPResult {
        guard var address = IPAddress(ip) else { return .invalidAddress }
        var mmdbError: Int32 = MMDB_SUCCESS
        let result = address.withSockaddr { MMDB_lookup_sockaddr(mmdb, $0, &mmdbError) }
        if mmdbError == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR { return .notFound }
        guard mmdbError == MMDB_SUCCESS else { return .lookupFailed(reason: Self.message(mmdbError)) }
        guard result.found_entry else { return .notFound }
        var entry = result.entry
        let latitude = double(&entry, ["location", "latitude"])
        let longitude = double(&entry, ["location", "longitude"])
        let validCoordinate = latitude.flatMap { lat in longitude.map { GeoCoordinate.isValid(latitude: lat, longitude: $0) } } ?? false
        return .found(
            GeoLocation(
                countryCode: string(&entry, ["country", "iso_code"]),
                countryName: string(&entry, ["country", "names", "en"]),
                cityName: string(&entry, ["city", "names", "en"]),
                latitude: validCoordinate ? latitude : nil,
                longitude: validCoordinate ? longitude : nil))
    }

    // MARK: - Data access

    /// `MMDB_aget_value` with a NULL-terminated path (the variadic `MMDB_get_value`
    /// cannot be called from Swift).
    private func value(_ entry: inout MMDB_entry_s, _ path: [String], type: Int32) -> MMDB_entry_data_s? {
        let components = path.map { strdup($0) }
        defer { components.forEach { free($0) } }
        guard !components.contains(where: { $0 == nil }) else { return nil }
        var pointers: [UnsafePointer<CChar>?] = components.map { UnsafePointer($0) } + [nil]
        var data = MMDB_entry_data_s()
        let status = pointers.withUnsafeMutableBufferPointer { buffer in
            MMDB_aget_value(&entry, &data, buffer.baseAddress)
        }
        guard status == MMDB_SUCCESS, data.has_data, data.type == UInt32(type) else { return nil }
        return data
    }

    private func string(_ entry: inout MMDB_entry_s, _ path: [String]) -> String? {
        guard let data = value(&entry, path, type: MMDB_DATA_TYPE_UTF8_STRING),
              let start = data.utf8_string
        else { return nil }
        let bytes = UnsafeRawBufferPointer(start: start, count: Int(data.data_size))
        return String(decoding: bytes, as: UTF8.self)
    }

    private func double(_ entry: inout MMDB_entry_s, _ path: [String]) -> Double? {
        value(&entry, path, type: MMDB_DATA_TYPE_DOUBLE).map(\.double_value)
    }

    private static func message(_ status: Int32) -> String {
        MMDB_strerror(status).map { String(cString: $0) } ?? "libmaxminddb error \(status)"
    }

    private static func failure(status: Int32, errno: Int32) -> GeoIPOpenFailure {
        switch status {
        case MMDB_FILE_OPEN_ERROR, MMDB_IO_ERROR:
            let detail = errno != 0 ? String(cString: strerror(errno)) : message(status)
            return .unreadable(detail: detail)
        case MMDB_OUT_OF_MEMORY_ERROR:
            return .outOfMemory
        default:
            return .invalidDatabase(detail: message(status))
        }
    }
}
