import Foundation
import Logging

/// `LOG_LEVEL` as a default level plus per-subsystem overrides:
/// `info,trunk=debug,dtls=warning`.
///
/// Loggers are named `edgemesh.<subsystem>[.<more>]` (`edgemesh.sfu`,
/// `edgemesh.backend`, `edgemesh.trunk`, …). An override `trunk=debug`
/// applies to `edgemesh.trunk` and every label under it (`edgemesh.trunk.x`);
/// a key may also be a whole label (`edgemesh.sfu=debug`). The most specific
/// (longest) matching key wins; labels no key matches get the default.
struct LogLevels: Equatable, Sendable {
    var defaultLevel: Logger.Level
    /// Subsystem key → level, keys as written (`trunk`, `edgemesh.sfu`).
    var overrides: [String: Logger.Level]

    init(defaultLevel: Logger.Level = .info, overrides: [String: Logger.Level] = [:]) {
        self.defaultLevel = defaultLevel
        self.overrides = overrides
    }

    /// Parses `LEVEL` or `LEVEL,key=LEVEL,…` (whitespace around items is
    /// ignored; the default may also come after the overrides, at most once).
    /// - Throws: `LogConfigurationError` naming the bad item.
    init(parsing text: String) throws(LogConfigurationError) {
        var defaultLevel: Logger.Level?
        var overrides: [String: Logger.Level] = [:]
        for rawItem in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = rawItem.trimmingCharacters(in: .whitespaces)
            guard !item.isEmpty else { throw .emptyItem(text: text) }
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 1 {
                guard defaultLevel == nil else { throw .duplicate(key: "(default)") }
                defaultLevel = try Self.level(item)
                continue
            }
            let key = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            guard Self.isValidKey(key) else { throw .badSubsystem(key) }
            guard overrides[key] == nil else { throw .duplicate(key: key) }
            overrides[key] = try Self.level(parts[1].trimmingCharacters(in: .whitespaces))
        }
        self.init(defaultLevel: defaultLevel ?? .info, overrides: overrides)
    }

    /// The level of a logger with this label.
    func level(for label: String) -> Logger.Level {
        let label = label.lowercased()
        var best: (length: Int, level: Logger.Level)?
        for (key, level) in overrides {
            let full = key.hasPrefix("edgemesh.") || key == "edgemesh" ? key : "edgemesh." + key
            for candidate in [key, full] where label == candidate || label.hasPrefix(candidate + ".") {
                if candidate.count > best?.length ?? -1 { best = (candidate.count, level) }
            }
        }
        return best?.level ?? defaultLevel
    }

    static let levelNames = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")

    private static func level(_ name: String) throws(LogConfigurationError) -> Logger.Level {
        guard let level = Logger.Level(rawValue: name.lowercased()) else { throw .unknownLevel(name) }
        return level
    }

    private static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.count <= 64 && key.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x2D || c == 0x5F
        } && !key.hasPrefix(".") && !key.hasSuffix(".")
    }
}

/// `LOG_FORMAT`: human-readable lines or one JSON object per line.
enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}

/// What is wrong with `LOG_LEVEL` or `LOG_FORMAT`.
enum LogConfigurationError: Error, Equatable, CustomStringConvertible {
    case unknownLevel(String)
    case badSubsystem(String)
    case duplicate(key: String)
    case emptyItem(text: String)
    case unknownFormat(String)

    var description: String {
        switch self {
        case .unknownLevel(let name):
            "unknown log level '\(name.prefix(40))'; use \(LogLevels.levelNames)"
        case .badSubsystem(let key):
            "bad subsystem '\(key.prefix(64))' in the log level: use a-z 0-9 . _ - (e.g. trunk=debug)"
        case .duplicate(let key):
            "log level for \(key) given twice"
        case .emptyItem(let text):
            "empty item in log level '\(text.prefix(80))' (expected LEVEL[,subsystem=LEVEL…])"
        case .unknownFormat(let name):
            "unknown log format '\(name.prefix(40))'; use text or json"
        }
    }
}
