import NIOCore

/// Where a transport's packets go and come from: a UDP 5-tuple on the node's
/// media socket, or one ICE-TCP connection (RFC 6544) carrying RFC 4571
/// framed packets. A cheap enum: switching on it costs no allocation and no
/// dynamic dispatch, so the UDP hot path stays what it was.
enum MediaPath: Hashable, Sendable {
    case udp(SocketAddress)
    case tcp(TCPMediaConnection)

    /// The remote end's address (the client, or the TURN server relaying for it).
    var remoteAddress: SocketAddress {
        switch self {
        case .udp(let address): address
        case .tcp(let connection): connection.remoteAddress
        }
    }
}

/// The `transport` label of the per-path metrics: how the selected path
/// reaches the client, as the node sees it.
enum PathKind: Int, CaseIterable, Sendable {
    /// UDP straight from the client (host, server- or peer-reflexive).
    case udp
    /// An ICE-TCP connection to the node's passive candidate.
    case tcp
    /// UDP from a TURN relay: the source address is one of the configured
    /// `relayIPs` (the node cannot tell a relay by anything in the packets
    /// themselves; RFC 8445 PRIORITY carries the peer-reflexive type preference).
    case relay

    var label: String {
        switch self {
        case .udp: "udp"
        case .tcp: "tcp"
        case .relay: "relay"
        }
    }
}
