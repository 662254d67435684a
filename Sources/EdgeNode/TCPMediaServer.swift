import NIOCore
import NIOPosix

/// The node's ICE-TCP listener (RFC 6544 passive candidates): accepts
/// connections on `RTC_TCP_PORT`, bounds them per source IP, and hands each
/// RFC 4571 frame to the media engine on the media event loop, where it takes
/// the same RFC 7983 demultiplexing, ICE-lite, DTLS and SRTP path as a UDP
/// datagram.
enum TCPMediaServer {
    static func bind(engine: MediaEngine, host: String, port: Int) async throws -> any Channel {
        let configuration = engine.configuration
        let limits = TCPConnectionLimits(perIP: configuration.tcpMaxConnectionsPerIP, total: configuration.tcpMaxConnections)
        return try await ServerBootstrap(group: engine.eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_sndbuf), value: SocketOptionValue(configuration.tcpSendBufferBytes))
            .childChannelOption(
                .writeBufferWaterMark,
                value: .init(low: configuration.tcpSendBufferBytes / 2, high: configuration.tcpSendBufferBytes))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TCPMediaHandler(engine: engine, limits: limits))
                }
            }
            .bind(host: host, port: port)
            .get()
    }
}

/// Open connections per source IP and in total (media event loop only).
final class TCPConnectionLimits: @unchecked Sendable {
    let perIP: Int
    let total: Int
    private var byIP: [String: Int] = [:]
    private var count = 0

    init(perIP: Int, total: Int) {
        self.perIP = perIP
        self.total = total
    }

    /// Counts a new connection from `ip`; false (not counted) past a limit.
    func admit(_ ip: String) -> Bool {
        let current = byIP[ip, default: 0]
        guard current < perIP, count < total else { return false }
        byIP[ip] = current + 1
        count += 1
        return true
    }

    func release(_ ip: String) {
        guard let current = byIP[ip] else { return }
        byIP[ip] = current > 1 ? current - 1 : nil
        count -= 1
    }
}

/// Deframes one connection's stream and feeds the engine; drains the write
/// queue when the socket becomes writable again.
final class TCPMediaHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let engine: MediaEngine
    private let limits: TCPConnectionLimits
    private var connection: TCPMediaConnection?
    private var admittedIP: String?

    init(engine: MediaEngine, limits: TCPConnectionLimits) {
        self.engine = engine
        self.limits = limits
    }

    func channelActive(context: ChannelHandlerContext) {
        let metrics = engine.metrics
        guard let remote = context.channel.remoteAddress else {
            context.close(promise: nil)
            return
        }
        let ip = remote.ipAddress ?? "?"
        guard limits.admit(ip) else {
            metrics.paths.closed(.limit)
            context.close(promise: nil)
            return
        }
        admittedIP = ip
        metrics.paths.tcpConnectionsAccepted.increment()
        metrics.paths.tcpConnections.add(1)
        let now = engine.clock.now
        let connection = TCPMediaConnection(
            channel: context.channel, remoteAddress: remote, queueLimitBytes: engine.configuration.tcpWriteQueueBytes,
            metrics: metrics, nowNanoseconds: now)
        self.connection = connection
        let handshakeTimeout = UInt64(engine.configuration.tcpHandshakeTimeoutSeconds) * 1_000_000_000
        let idleTimeout = UInt64(engine.configuration.consentTimeoutSeconds) * 1_000_000_000
        connection.timer = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) {
            [weak connection, engine] _ in
            guard let connection else { return }
            let now = engine.clock.now
            if connection.nominatedTransport?.isConnected != true, now &- connection.openedNanoseconds > handshakeTimeout {
                engine.closeTCP(connection, reason: .handshakeTimeout)
            } else if now &- connection.lastFrameNanoseconds > idleTimeout {
                engine.closeTCP(connection, reason: .idleTimeout)
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection, !connection.isClosed else { return }
        var incoming = unwrapInboundIn(data)
        if var pending = connection.pending {
            pending.writeBuffer(&incoming)
            incoming = pending
            connection.pending = nil
        }
        let maxFrame = engine.configuration.tcpMaxFrameBytes
        while !connection.isClosed {
            let frame: ByteBuffer?
            do {
                frame = try RFC4571Framer.nextFrame(from: &incoming, maxFrameLength: maxFrame)
            } catch {
                engine.metrics.drop(.malformed)
                engine.closeTCP(connection, reason: .framing)
                return
            }
            guard let frame else { break }
            connection.lastFrameNanoseconds = engine.clock.now
            engine.metrics.paths.tcpFramesReceived.increment()
            frame.withUnsafeReadableBytes { engine.receive($0, on: connection) }
            // RFC 6544 §7.2 has the passive side learn the connection from
            // the first binding request; anything else first is not ICE.
            if connection.boundTransport == nil, connection.nominatedTransport == nil {
                engine.closeTCP(connection, reason: .unbound)
                return
            }
        }
        if !connection.isClosed, incoming.readableBytes > 0 {
            incoming.discardReadBytes()
            connection.pending = incoming
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        engine.flush()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { connection?.drain() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let connection {
            engine.closeTCP(connection, reason: .peerClosed)
            self.connection = nil
        }
        if let admittedIP {
            limits.release(admittedIP)
            engine.metrics.paths.tcpConnections.add(-1)
            self.admittedIP = nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
