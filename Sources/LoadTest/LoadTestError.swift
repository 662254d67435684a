/// Everything that can go wrong in a load test run, with what was wrong.
public enum LoadTestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A command-line value is out of range or malformed.
    case invalidOption(name: String, value: String, reason: String)
    /// An HTTP request failed (connection, timeout, or an unexpected status).
    case http(String)
    /// The backend or Janus answered something the protocol does not allow.
    case protocolViolation(String)
    /// A signaling server reported an error.
    case serverError(code: String, message: String)
    /// A JSON message could not be parsed; `bytes` is its length.
    case badJSON(reason: String, bytes: Int)

    public var description: String {
        switch self {
        case .invalidOption(let name, let value, let reason): "invalid --\(name) \(value): \(reason)"
        case .http(let reason): "http: \(reason)"
        case .protocolViolation(let reason): "protocol: \(reason)"
        case .serverError(let code, let message): "server error \(code): \(message)"
        case .badJSON(let reason, let bytes): "bad JSON (\(bytes) bytes): \(reason)"
        }
    }
}
