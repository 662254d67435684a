import SRTP
import Trunk

/// Configuration of one SFU node (`edgemesh sfu`). Every field has the
/// environment variable of ARCHITECTURE.md and a flag of the same meaning.
public struct NodeConfiguration: Sendable {
    /// `REGION`: the region this node serves.
    public var region: String = "local"
    /// `NODE_ID`: unique id of the node in the mesh.
    public var nodeID: String = "sfu-1"
    /// Address the sockets bind to. Loopback by default (dev mode).
    public var bindHost: String = "127.0.0.1"
    /// `BIND_HOST6`: an IPv6 address for a second media socket (same port)
    /// and an IPv6 host candidate; nil for IPv4 only.
    public var bindHostV6: String?
    /// `ANNOUNCE_IP6`: the IPv6 address put in ICE candidates (defaults to `bindHostV6`).
    public var announceIPv6: String?
    /// `GRPC_PORT`: the control API (gRPC, plaintext HTTP/2).
    public var grpcPort: Int = 50051
    /// `RTC_PORT`: the one UDP port for all WebRTC media.
    public var rtcPort: Int = 40000
    /// `ANNOUNCE_IP`: the address put in ICE candidates (defaults to `bindHost`).
    public var announceIP: String?
    /// `METRICS_PORT`: `/metrics` and `/healthz`.
    public var metricsPort: Int = 9090
    /// Largest UDP datagram sent (SRTP packets and DTLS flights).
    public var mtu: Int = 1200
    /// A negotiated transport that has not completed ICE and DTLS within this
    /// many seconds is closed (`transport_failed`).
    public var connectTimeoutSeconds: Int = 30
    /// ICE consent: a transport with no valid binding request for this long is closed.
    public var consentTimeoutSeconds: Int = 30
    /// Nice value of the media thread (`MEDIA_THREAD_NICE`, -20...19; 0 leaves
    /// it alone). Below 0 it needs CAP_SYS_NICE; without it the node logs that
    /// and runs at the default priority.
    public var mediaThreadNice: Int = -10
    /// The bitrate publishers are told they may send (REMB), bits per second.
    public var publisherBitrateCap: UInt64 = 6_000_000
    /// Datagrams read per `recvmmsg` call.
    public var vectorReadCount: Int = 32
    /// `RTC_TCP_PORT`: the ICE-TCP listener (RFC 6544 passive candidates),
    /// bound to `bindHost`. nil: the same number as the bound UDP RTC port
    /// (falling back to any free port if that one is taken).
    public var rtcTCPPort: Int?
    /// `RTC_TCP_PORT=off`: no TCP listener and no TCP candidate.
    public var rtcTCPEnabled: Bool = true
    /// Most bytes one ICE-TCP connection's write queue holds before it drops
    /// its oldest frames (`tcp_write_queue_drops`); about 0.5 s of 2 Mbit/s video.
    public var tcpWriteQueueBytes: Int = 128 * 1024
    /// SO_SNDBUF of ICE-TCP connections, and the NIO high-water mark above
    /// which frames go to the write queue instead of the socket.
    public var tcpSendBufferBytes: Int = 64 * 1024
    /// Largest RFC 4571 frame accepted; a longer LENGTH closes the connection.
    public var tcpMaxFrameBytes: Int = 2048
    /// An ICE-TCP connection without a connected transport after this long is closed.
    public var tcpHandshakeTimeoutSeconds: Int = 10
    /// Open ICE-TCP connections allowed from one IP address.
    public var tcpMaxConnectionsPerIP: Int = 64
    /// Open ICE-TCP connections allowed in total.
    public var tcpMaxConnections: Int = 10_000
    /// `RELAY_IPS`: source addresses of the TURN servers' relays (coturn
    /// `relay-ip`/`external-ip`); a path from one of them is labelled `relay`.
    public var relayIPs: Set<String> = []
    /// `TRUNK_PORT`: the UDP port of trunks to other nodes (only with a mesh credential).
    public var trunkPort: Int = 40001
    /// `MESH_CREDENTIAL`: the node credential file of `edgemesh mesh issue-node`
    /// (it names the mesh public key the node trusts); nil runs without trunks.
    public var meshCredentialPath: String?
    /// `MESH_NODE_KEY`: the node's static key file; default `MeshFiles.keyPath(forCredentialPath:)`
    /// (`DIR/ID.credential` → `DIR/ID.key`).
    public var meshNodeKeyPath: String?
    /// `REDIS_ADDR`: the registry the node announces itself in and finds its trunk peers in.
    public var redisAddress: String?
    /// Prefix of the registry's Redis keys (as the backend's `KEY_PREFIX`).
    public var registryKeyPrefix: String = "edgemesh"
    /// How often the node renews its registry lease and re-reads the other nodes.
    public var registryRenewInterval: Duration = .seconds(2)
    /// How long the trunk tick timer waits between runs (handshake retransmission, pings, liveness).
    public var trunkTickInterval: Duration = .milliseconds(50)

    /// `SRTP_AEAD`: who implements the AES-GCM SRTP profiles, `openssl`
    /// (default) or `libsrtp` (the baseline, for benchmarks side by side).
    public var srtpAEAD: SRTPSession.AEADImplementation = .openSSL

    public init() {}

    /// The SRTP session settings of every transport.
    var srtpConfiguration: SRTPSession.Configuration {
        var configuration = SRTPSession.Configuration()
        configuration.aeadImplementation = srtpAEAD
        return configuration
    }

    /// The address in ICE candidates.
    public var candidateAddress: String { announceIP ?? bindHost }
    /// The node key file used with `meshCredentialPath`.
    public var resolvedMeshNodeKeyPath: String? {
        meshNodeKeyPath ?? meshCredentialPath.map { MeshFiles.keyPath(forCredentialPath: $0) }
    }
    /// The IPv6 address in ICE candidates, if IPv6 is on.
    public var candidateAddressV6: String? { announceIPv6 ?? bindHostV6 }
}
