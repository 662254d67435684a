import Foundation

/// Reads configuration from the environment: a flag given on the command
/// line wins over the variable of the same meaning.
enum Environment {
    static func string(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// An integer variable; a present but malformed value is an error, not a silence.
    static func int(_ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError.invalid(name: name, value: text, expected: "an integer in \(range)")
        }
        return value
    }
}

enum ConfigurationError: Error, CustomStringConvertible {
    case invalid(name: String, value: String, expected: String)

    var description: String {
        switch self {
        case .invalid(let name, let value, let expected): "\(name)=\(value) is invalid: expected \(expected)"
        }
    }
}
