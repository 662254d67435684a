/// Everything that can go wrong in the `Coordination` module.
///
/// Redis failures are told apart by what the caller can do about them: a failed
/// connect or a lost connection is retried by the client on the next command
/// (with backoff), a timeout means the server did not answer in
/// `commandTimeout`, a server error is the server's refusal of one command.
public enum RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The TCP connect (or the AUTH/SELECT handshake after it) failed, or the
    /// client is waiting out its reconnect backoff after such a failure.
    case connectFailed(host: String, port: Int, reason: String)
    /// The server did not answer within the configured timeout; the connection
    /// is dropped (its replies would arrive out of order) and re-established
    /// on the next command.
    case timeout(after: Duration)
    /// The connection broke (EOF, reset, write error) while a command was in flight.
    case connectionLost(reason: String)
    /// The server answered with an error reply (`-ERR ...`), given without the `-`.
    case server(message: String)
    /// The server's bytes were not valid RESP, or hiredis failed internally.
    case protocolError(reason: String)
    /// A reply had a type the called method does not accept.
    case unexpectedReply(command: String, reply: String)
    /// An argument or request could not be sent as given (size or count out of range).
    case invalidArgument(reason: String, size: Int)
    /// A stored coordination record could not be decoded.
    case malformedRecord(key: String, reason: String)
    /// The client or subscriber was closed; no further commands run.
    case closed

    public var description: String {
        switch self {
        case .connectFailed(let host, let port, let reason): return "redis connect to \(host):\(port) failed: \(reason)"
        case .timeout(let after): return "redis command timed out after \(after)"
        case .connectionLost(let reason): return "redis connection lost: \(reason)"
        case .server(let message): return "redis server error: \(message)"
        case .protocolError(let reason): return "redis protocol error: \(reason)"
        case .unexpectedReply(let command, let reply): return "unexpected reply to \(command): \(reply)"
        case .invalidArgument(let reason, let size): return "invalid redis argument: \(reason) (\(size))"
        case .malformedRecord(let key, let reason): return "malformed coordination record \(key): \(reason)"
        case .closed: return "redis client closed"
        }
    }
}
