import Coordination
import Logging
import NIOCore
import NIOPosix
import Telemetry
import Trunk

/// One remote node as the media loop sees it: where its trunk frames go, its
/// region (metric labels) and counters. Confined to the media event loop.
final class TrunkPeerLink {
    let id: MeshNodeID
    let region: String
    /// The UDP address trunk frames go to (registry, then the source of authenticated datagrams).
    var address: SocketAddress?
    /// Whether the peer came from the registry (removed when it leaves it).
    var fromRegistry = false
    var established = false
    /// Smoothed round-trip time (RFC 6298 α = 1/8), seconds; 0 before the first pong.
    var smoothedRTT: Double = 0
    var lastOneWayDelay: Double = 0
    let sentPackets: Counter
    let sentBytes: Counter
    let receivedPackets: Counter
    let receivedBytes: Counter
    let rttHistogram: HistogramSeries
    let forwardDelay: HistogramSeries
    let reverseDelay: HistogramSeries

    init(id: MeshNodeID, region: String, localRegion: String, metrics: TrunkMetrics) {
        self.id = id
        self.region = region
        (sentPackets, sentBytes) = metrics.traffic(from: localRegion, to: region, direction: "sent")
        (receivedPackets, receivedBytes) = metrics.traffic(from: region, to: localRegion, direction: "received")
        (rttHistogram, forwardDelay) = metrics.delays(from: localRegion, to: region)
        reverseDelay = metrics.delays(from: region, to: localRegion).oneWay
    }

    func record(_ measurement: TrunkMeasurement) {
        let rtt = Double(measurement.roundTripMicroseconds) / 1_000_000
        smoothedRTT = smoothedRTT == 0 ? rtt : smoothedRTT * 0.875 + rtt * 0.125
        rttHistogram.observe(rtt)
        lastOneWayDelay = Double(measurement.forwardOneWayMicroseconds) / 1_000_000
        forwardDelay.observe(max(0, lastOneWayDelay))
        reverseDelay.observe(max(0, Double(measurement.reverseOneWayMicroseconds) / 1_000_000))
    }
}

/// The trunk plane of one node: its identity, the `TrunkEndpoint` state
/// machine, the UDP channel on the trunk port and the per-peer links.
/// Confined to the media event loop (like everything `MediaEngine` owns).
final class TrunkLink {
    let identity: MeshNodeIdentity
    var endpoint: TrunkEndpoint
    let metrics: TrunkMetrics
    var channel: (any Channel)?
    var peers: [MeshNodeID: TrunkPeerLink] = [:]
    /// Received datagrams are copied here and opened in place.
    let scratch: UnsafeMutableRawBufferPointer
    /// Credentials from the registry that failed to verify, by node (logged once per credential).
    var rejectedCredentials: [String: String] = [:]
    private var pendingFlush = false

    init(identity: MeshNodeIdentity, configuration: TrunkConfiguration = .init(), metrics: TrunkMetrics) {
        self.identity = identity
        self.endpoint = TrunkEndpoint(local: identity, configuration: configuration)
        self.metrics = metrics
        self.scratch = .allocate(byteCount: 2048, alignment: 16)
    }

    deinit { scratch.deallocate() }

    var localRegion: String { identity.regionID.rawValue }

    /// The link of `id`, created with `region` when new.
    func link(_ id: MeshNodeID, region: String) -> TrunkPeerLink {
        if let existing = peers[id] { return existing }
        let created = TrunkPeerLink(id: id, region: region, localRegion: localRegion, metrics: metrics)
        peers[id] = created
        return created
    }

    /// Queues a datagram for a peer (flushed with the batch).
    func send(_ bytes: [UInt8], to link: TrunkPeerLink) {
        guard let channel, let address = link.address else { return }
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        link.sentPackets.increment()
        link.sentBytes.increment(by: UInt64(bytes.count))
        channel.write(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
        pendingFlush = true
    }

    /// Seals an RTP/RTCP packet as a data frame straight into a send buffer and queues it.
    func sendData(_ header: TrunkDataHeader, payload: UnsafeRawBufferPointer, to link: TrunkPeerLink, now: TrunkTime) -> Bool {
        guard let channel, let address = link.address, link.established else { return false }
        let size = TrunkPeer.sealedDataSize(payloadCount: payload.count)
        var buffer = channel.allocator.buffer(capacity: size)
        let id = link.id
        let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
            (try? endpoint.sealData(header, payload: payload, into: out, to: id, now: now)) ?? 0
        }
        guard written > 0 else { return false }
        link.sentPackets.increment()
        link.sentBytes.increment(by: UInt64(written))
        channel.write(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
        pendingFlush = true
        return true
    }

    func flush() {
        guard pendingFlush else { return }
        pendingFlush = false
        channel?.flush()
    }

    func statsSnapshot() -> [TrunkStatsSnapshot] {
        peers.values.sorted { $0.id < $1.id }.map { link in
            let peer = endpoint.peer(link.id)
            return TrunkStatsSnapshot(
                peer: link.id.rawValue, region: link.region, established: link.established, rtt: link.smoothedRTT,
                oneWayDelay: link.lastOneWayDelay, packetsSent: link.sentPackets.current, bytesSent: link.sentBytes.current,
                packetsReceived: link.receivedPackets.current, bytesReceived: link.receivedBytes.current,
                handshakes: peer?.statistics.handshakesCompleted ?? 0, loss: peer?.pingLoss.ratio ?? 0)
        }
    }
}

/// One trunk in `GetNodeStats`.
struct TrunkStatsSnapshot: Sendable {
    var peer: String
    var region: String
    var established: Bool
    var rtt: Double
    var oneWayDelay: Double
    var packetsSent: UInt64
    var bytesSent: UInt64
    var packetsReceived: UInt64
    var bytesReceived: UInt64
    var handshakes: UInt64
    /// Share of the peer's last 20 decided pings left unanswered (`TrunkPingLoss`), 0...1.
    var loss: Double
}

/// The Trunk channel: every datagram goes to the engine's trunk receive path.
final class TrunkChannelHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let engine: MediaEngine

    init(engine: MediaEngine) { self.engine = engine }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        envelope.data.withUnsafeReadableBytes { bytes in
            engine.receiveTrunk(bytes, from: envelope.remoteAddress)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        engine.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable from a node that went away: keep serving.
    }
}

enum TrunkServer {
    static func bind(engine: MediaEngine, host: String, port: Int, vectorReadCount: Int) async throws -> any Channel {
        try await MediaServer.bootstrap(engine: engine, vectorReadCount: vectorReadCount) {
            TrunkChannelHandler(engine: engine)
        }
        .channelOption(.socketOption(.so_reuseaddr), value: 1)
        .bind(host: host, port: port)
        .get()
    }
}
