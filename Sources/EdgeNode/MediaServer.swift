import NIOCore
import NIOPosix

/// The node's one UDP socket for WebRTC media: vector reads (recvmmsg), writes
/// queued per packet and flushed once per read batch (sendmmsg).
enum MediaServer {
    static func bind(engine: MediaEngine, host: String, port: Int, vectorReadCount: Int) async throws -> any Channel {
        try await DatagramBootstrap(group: engine.eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.datagramVectorReadMessageCount, value: vectorReadCount)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048 * vectorReadCount))
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MediaChannelHandler(engine: engine))
                }
            }
            .bind(host: host, port: port)
            .get()
    }
}

/// Hands every datagram to the engine; flushes what the batch produced.
final class MediaChannelHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let engine: MediaEngine

    init(engine: MediaEngine) { self.engine = engine }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        envelope.data.withUnsafeReadableBytes { bytes in
            engine.receive(bytes, from: envelope.remoteAddress)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        engine.trunk?.flush()  // copies for other nodes
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and friends surface here; a UDP server keeps going.
        engine.metrics.drop(.malformed)
    }
}
