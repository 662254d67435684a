import NIOCore

/// Lets the channel handler reach the transport created after the bind.
final class TransportHolder: @unchecked Sendable {
    var transport: PeerTransport?
}

/// Hands datagrams to the transport; flushes what the read batch produced.
final class PeerChannelHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    private let holder: TransportHolder

    init(holder: TransportHolder) { self.holder = holder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let transport = holder.transport else { return }
        let envelope = unwrapInboundIn(data)
        envelope.data.withUnsafeReadableBytes { transport.receive($0, from: envelope.remoteAddress) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors (the server went away) surface here; keep the socket.
    }
}

/// Deframes an ICE-TCP stream (RFC 4571 §2: a 16-bit LENGTH, then the
/// packet) and hands each packet to the transport like a datagram.
final class PeerTCPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let holder: TransportHolder
    private var pending: ByteBuffer?

    init(holder: TransportHolder) { self.holder = holder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if var pending {
            pending.writeBuffer(&incoming)
            incoming = pending
            self.pending = nil
        }
        while let length = incoming.getInteger(at: incoming.readerIndex, as: UInt16.self),
              incoming.readableBytes >= 2 + Int(length) {
            incoming.moveReaderIndex(forwardBy: 2)
            guard let frame = incoming.readSlice(length: Int(length)) else { break }
            if let transport = holder.transport, !frame.readableBytesView.isEmpty {
                frame.withUnsafeReadableBytes { transport.receive($0) }
            }
        }
        if incoming.readableBytes > 0 {
            incoming.discardReadBytes()
            pending = incoming
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        holder.transport?.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
