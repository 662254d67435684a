/// Finds the client's address: the socket peer's, or — only when the peer is
/// a trusted proxy — the `X-Forwarded-For` entry nearest to us that is not a
/// trusted proxy itself (entries are appended by each proxy, so the rightmost
/// untrusted one is the first that no proxy of ours vouches for).
public struct TrustedProxies: Sendable, Equatable {
    public let networks: [CIDR]

    public init(networks: [CIDR] = []) {
        self.networks = networks
    }

    /// Parses `TRUSTED_PROXIES`: a comma-separated list of CIDR networks or addresses.
    public init(list: String) throws(ControlPlaneError) {
        var networks: [CIDR] = []
        for item in list.split(separator: ",") where !item.trimmingSpaces.isEmpty {
            networks.append(try CIDR(item))
        }
        self.networks = networks
    }

    public func isTrusted(_ address: IPBytes) -> Bool {
        networks.contains { $0.contains(address) }
    }

    /// The client address for a connection from `peer` with these
    /// `X-Forwarded-For` header values (in header order).
    public func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, let peerBytes = IPBytes(peer) else { return peer }
        guard isTrusted(peerBytes), !forwardedFor.isEmpty else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map(\.trimmingSpaces).suffix(64)
        for hop in hops.reversed() {
            guard let bytes = IPBytes(hop) else {
                // A malformed entry ends what we can trust: fall back to the last good hop.
                return peer
            }
            if !isTrusted(bytes) { return bytes.description == hop ? hop : bytes.description }
        }
        // Every hop is a trusted proxy: the leftmost is the best we know.
        return hops.first ?? peer
    }
}
