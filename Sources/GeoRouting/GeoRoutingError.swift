/// Every error the `GeoRouting` module throws.
///
/// Not `@frozen`: cases may be added, so keep a `default:` when switching.
public enum GeoRoutingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A MaxMind database could not be opened.
    case openFailed(path: String, reason: GeoIPOpenFailure)
    /// The regions directory is missing or cannot be listed.
    case regionDirectoryUnreadable(path: String, reason: String)
    /// The regions directory holds no `*.yaml` / `*.yml` file.
    case noRegions(directory: String)
    /// A region file is invalid; `line` is 1-based, nil for whole-file problems.
    case regionFile(path: String, line: Int?, problem: RegionFileProblem)
    /// Two regions share an id (e.g. `eu-central.yaml` and `eu-central.yml`).
    case duplicateRegion(id: String, paths: [String])
    /// A string is not a region id (`[a-z0-9-]+`, at most 63 characters).
    case invalidRegionID(String)
    /// Latitude outside [-90, 90] or longitude outside [-180, 180], or not finite.
    case invalidCoordinate(latitude: Double, longitude: Double)
    /// An RTT hint list (`us-west:23,eu-central:88`) is malformed; `entry` is the
    /// offending entry (at most 64 characters of it).
    case invalidRTTHints(entry: String, problem: RTTHintProblem)

    public var description: String {
        switch self {
        case .openFailed(let path, let reason): "cannot open GeoIP database \(path): \(reason)"
        case .regionDirectoryUnreadable(let path, let reason): "cannot read regions directory \(path): \(reason)"
        case .noRegions(let directory): "no region files (*.yaml) in \(directory)"
        case .regionFile(let path, let line, let problem):
            line.map { "\(path):\($0): \(problem)" } ?? "\(path): \(problem)"
        case .duplicateRegion(let id, let paths): "region \(id) is defined more than once: \(paths.joined(separator: ", "))"
        case .invalidRegionID(let id): "invalid region id \"\(id)\" (expected [a-z0-9-]+, at most 63 characters)"
        case .invalidCoordinate(let lat, let lon): "invalid coordinate (lat \(lat), lon \(lon))"
        case .invalidRTTHints(let entry, let problem): "invalid RTT hint \"\(entry)\": \(problem)"
        }
    }
}

/// The GeoIP database errors are part of the module's error enum.
public typealias GeoIPError = GeoRoutingError

/// Why `GeoIPDatabase.init` failed.
public enum GeoIPOpenFailure: Sendable, Equatable, CustomStringConvertible {
    /// Nothing exists at the path.
    case fileMissing
    /// The path names a directory.
    case notAFile
    /// The file exists but could not be read (`MMDB_FILE_OPEN_ERROR` / `MMDB_IO_ERROR`).
    case unreadable(detail: String)
    /// The file is not a valid MaxMind DB (bad metadata, unknown format, corrupt tree/data).
    case invalidDatabase(detail: String)
    /// libmaxminddb ran out of memory.
    case outOfMemory

    public var description: String {
        switch self {
        case .fileMissing: "file does not exist"
        case .notAFile: "path is a directory"
        case .unreadable(let detail): "file is not readable (\(detail))"
        case .invalidDatabase(let detail): "not a valid MaxMind database (\(detail))"
        case .outOfMemory: "out of memory"
        }
    }
}

/// What is wrong in a region file.
public enum RegionFileProblem: Sendable, Equatable, CustomStringConvertible {
    case fileTooLarge(bytes: Int, limit: Int)
    case notUTF8
    case malformedLine(String)
    case unknownKey(String)
    case duplicateKey(String)
    case missingKey(String)
    case emptyValue(String)
    case invalidID(String)
    case idDoesNotMatchFileName(id: String, fileName: String)
    case invalidNumber(key: String, value: String)
    case coordinateOutOfRange(key: String, value: Double)

    public var description: String {
        switch self {
        case .fileTooLarge(let bytes, let limit): "file has \(bytes) bytes, more than the limit of \(limit)"
        case .notUTF8: "file is not valid UTF-8"
        case .malformedLine(let detail): detail
        case .unknownKey(let key): "unknown key \"\(key)\""
        case .duplicateKey(let key): "duplicate key \"\(key)\""
        case .missingKey(let key): "missing key \"\(key)\""
        case .emptyValue(let key): "key \"\(key)\" has no value"
        case .invalidID(let id): "invalid region id \"\(id)\" (expected [a-z0-9-]+)"
        case .idDoesNotMatchFileName(let id, let fileName): "id \"\(id)\" does not match the file name \(fileName)"
        case .invalidNumber(let key, let value): "\(key): \"\(value)\" is not a decimal number"
        case .coordinateOutOfRange(let key, let value): "\(key) \(value) is out of range"
        }
    }
}

/// What is wrong in an RTT hint entry.
public enum RTTHintProblem: Sendable, Equatable, CustomStringConvertible {
    case inputTooLong(length: Int, limit: Int)
    case tooManyEntries(count: Int, limit: Int)
    case missingSeparator
    case invalidRegionID
    case invalidMilliseconds
    case millisecondsOutOfRange(limit: Double)
    case duplicateRegion

    public var description: String {
        switch self {
        case .inputTooLong(let length, let limit): "hint list of \(length) bytes exceeds \(limit)"
        case .tooManyEntries(let count, let limit): "\(count) entries exceed the limit of \(limit)"
        case .missingSeparator: "expected region:milliseconds"
        case .invalidRegionID: "region id must match [a-z0-9-]+"
        case .invalidMilliseconds: "milliseconds must be a non-negative decimal number"
        case .millisecondsOutOfRange(let limit): "milliseconds must be at most \(limit)"
        case .duplicateRegion: "region given twice"
        }
    }
}
