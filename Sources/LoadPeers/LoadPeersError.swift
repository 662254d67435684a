/// Everything that can go wrong in a simulated peer, with what was wrong.
public enum LoadPeersError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The remote SDP lacks something a peer needs (ICE credentials, fingerprint, candidate, section).
    case remoteDescription(String)
    /// Building our own SDP failed.
    case localDescription(String)
    /// The remote description has no usable UDP candidate.
    case noCandidate
    /// ICE, DTLS or SRTP set-up failed; the reason is the underlying error.
    case transport(String)
    /// A peer did not reach the connected state in time.
    case timeout(what: String, seconds: Double)
    /// A configuration value is out of range.
    case invalidConfiguration(name: String, value: String)
    /// The SFU's control API answered with an error.
    case signaling(String)
    /// A /proc file could not be read or parsed.
    case processStats(path: String, reason: String)

    public var description: String {
        switch self {
        case .remoteDescription(let reason): "remote description: \(reason)"
        case .localDescription(let reason): "local description: \(reason)"
        case .noCandidate: "remote description has no UDP candidate"
        case .transport(let reason): "transport: \(reason)"
        case .timeout(let what, let seconds): "timed out after \(seconds) s waiting for \(what)"
        case .invalidConfiguration(let name, let value): "invalid \(name): \(value)"
        case .signaling(let reason): "signaling: \(reason)"
        case .processStats(let path, let reason): "\(path): \(reason)"
        }
    }
}
