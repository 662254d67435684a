#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// The node's one UDP socket for WebRTC media: vector reads (recvmmsg)
/// through NIO; SRTP goes out through a ``UDPBatchSender`` on the same socket
/// (sendmmsg), everything else (STUN, DTLS) through the channel.
enum MediaServer {
    /// A bound media socket: the channel and its descriptor (for the batch sender).
    struct Bound {
        let channel: any Channel
        let descriptor: CInt
    }

    static func bind(engine: MediaEngine, host: String, port: Int, vectorReadCount: Int) async throws -> Bound {
        // The socket is made here, not by the bootstrap, so the batch sender can write to it.
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let descriptor = try boundSocket(address)
        // From here the descriptor is the channel's: not closed here if the
        // bootstrap fails (it may already have been, and the number reused).
        let channel = try await bootstrap(engine: engine, vectorReadCount: vectorReadCount) {
            MediaChannelHandler(engine: engine)
        }
        .withBoundSocket(descriptor)
        .get()
        return Bound(channel: channel, descriptor: descriptor)
    }

    /// What the media and trunk sockets share: the engine's loop, vector reads
    /// of `vectorReadCount` datagrams, 4 MiB socket buffers, and the handler
    /// `makeHandler` makes as the pipeline.
    static func bootstrap(
        engine: MediaEngine, vectorReadCount: Int, makeHandler: @escaping @Sendable () -> any ChannelHandler
    ) -> DatagramBootstrap {
        DatagramBootstrap(group: engine.eventLoop)
            .channelOption(.datagramVectorReadMessageCount, value: vectorReadCount)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048 * vectorReadCount))
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(makeHandler())
                }
            }
    }

    /// A non-blocking UDP socket bound to `address` with SO_REUSEADDR.
    static func boundSocket(_ address: SocketAddress) throws -> CInt {
        #if canImport(Glibc)
        let type = CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        let bindSocket = Glibc.bind
        #else
        let type = SOCK_DGRAM
        let bindSocket = Darwin.bind
        #endif
        let descriptor = socket(address.protocol.rawValue, type, 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        var one: CInt = 1
        let bound = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size)) == 0
            && address.withSockAddr { bindSocket(descriptor, $0, socklen_t($1)) } == 0
        guard bound else {
            let code = errno
            close(descriptor)
            throw IOError(errnoCode: code, reason: "bind \(address)")
        }
        return descriptor
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
        engine.flush()  // the batch senders, the channels, the trunk (copies for other nodes)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and friends surface here; a UDP server keeps going.
        engine.metrics.drop(.malformed)
    }
}
