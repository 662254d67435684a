import ArgumentParser
import Foundation
import Logging
import Synchronization

/// Sets up swift-log once per process from `LOG_LEVEL` (`LogLevels`) and
/// `LOG_FORMAT` (`LogFormat`): every logger made afterwards, in any module,
/// gets the level its label's subsystem is configured for.
enum LogBootstrap {
    private static let done = Mutex(false)

    /// Bootstraps the logging system (the first call wins) and returns a logger for `label`.
    static func logger(label: String, levels: LogLevels, format: LogFormat) -> Logger {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        if first {
            LoggingSystem.bootstrap { label in
                switch format {
                case .text:
                    var handler = StreamLogHandler.standardError(label: label)
                    handler.logLevel = levels.level(for: label)
                    return handler
                case .json:
                    return JSONLogHandler(label: label, logLevel: levels.level(for: label))
                }
            }
        }
        return Logger(label: label)
    }
}

/// Makes the logger of a service: `level` is the `--log-level`/`LOG_LEVEL`
/// text (`info,trunk=debug`), the format comes from `LOG_FORMAT`.
func makeLogger(label: String, level: String?) throws -> Logger {
    var levels = LogLevels()
    if let level {
        do {
            levels = try LogLevels(parsing: level)
        } catch {
            throw ValidationError("LOG_LEVEL/--log-level '\(level.prefix(120))': \(error.description)")
        }
    }
    let formatText = Environment.string("LOG_FORMAT") ?? LogFormat.text.rawValue
    guard let format = LogFormat(rawValue: formatText.lowercased()) else {
        throw ValidationError("LOG_FORMAT: \(LogConfigurationError.unknownFormat(formatText).description)")
    }
    return LogBootstrap.logger(label: label, levels: levels, format: format)
}

/// One JSON object per line on standard error: `ts` (ISO 8601, UTC), `level`,
/// `label`, `message`, `source`, then the metadata (values as strings).
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, logLevel: Logger.Level) {
        self.label = label
        self.logLevel = logLevel
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata.merging(metadataProvider?.get() ?? [:]) { $1 }.merging(event.metadata ?? [:]) { $1 }
        if let error = event.error { fields["error"] = "\(error)" }
        FileHandle.standardError.write(Data(Self.line(
            date: Date(), level: event.level, label: label, message: "\(event.message)", source: event.source,
            metadata: fields).utf8))
    }

    /// The JSON line (with its newline) of one log record.
    static func line(
        date: Date, level: Logger.Level, label: String, message: String, source: String, metadata: Logger.Metadata
    ) -> String {
        var fields: [String: String] = metadata.mapValues { "\($0)" }
        fields["ts"] = Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
        fields["level"] = level.rawValue
        fields["label"] = label
        fields["message"] = message
        fields["source"] = source
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(fields) else { return "{\"level\":\"error\",\"message\":\"unencodable log record\"}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
