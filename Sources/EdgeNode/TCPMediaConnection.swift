import NIOCore

/// One ICE-TCP connection (RFC 6544, passive side): RFC 4571 frames in,
/// a bounded write queue out. Confined to the media event loop, like every
/// transport; identity is the connection (two connections are never equal).
final class TCPMediaConnection: Hashable, @unchecked Sendable {
    let channel: any Channel
    let remoteAddress: SocketAddress
    /// The transport whose ufrag its first authenticated binding request named.
    var boundTransport: WebRTCTransport?
    /// Set while this connection is the transport's nominated path.
    var nominatedTransport: WebRTCTransport?
    var queue: TCPWriteQueue
    /// Received bytes of a frame not complete yet.
    var pending: ByteBuffer?
    let openedNanoseconds: UInt64
    var lastFrameNanoseconds: UInt64
    private(set) var isClosed = false
    private let metrics: NodeMetrics
    var timer: RepeatedTask?

    init(channel: any Channel, remoteAddress: SocketAddress, queueLimitBytes: Int, metrics: NodeMetrics, nowNanoseconds: UInt64) {
        self.channel = channel
        self.remoteAddress = remoteAddress
        self.queue = TCPWriteQueue(limitBytes: queueLimitBytes)
        self.metrics = metrics
        self.openedNanoseconds = nowNanoseconds
        self.lastFrameNanoseconds = nowNanoseconds
    }

    static func == (lhs: TCPMediaConnection, rhs: TCPMediaConnection) -> Bool { lhs === rhs }
    func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    var allocator: ByteBufferAllocator { channel.allocator }

    /// Sends one complete frame (length prefix included). Written at once
    /// while the socket keeps up; queued (oldest dropped past the bound)
    /// while it does not. Never blocks.
    func send(frame: ByteBuffer) {
        guard !isClosed else { return }
        if queue.isEmpty, channel.isWritable {
            channel.writeAndFlush(frame, promise: nil)
            return
        }
        let before = queue.bytes
        let dropped = queue.enqueue(frame)
        for _ in 0..<dropped { metrics.drop(.tcpWriteQueue) }
        metrics.paths.tcpWriteQueueBytes.add(Int64(queue.bytes - before))
        if Int64(queue.highWaterBytes) > metrics.paths.tcpWriteQueueHighWater.current {
            metrics.paths.tcpWriteQueueHighWater.set(Int64(queue.highWaterBytes))
        }
    }

    /// Frames a datagram-sized packet (STUN, DTLS) and sends it.
    func send(packet: [UInt8]) {
        let framed: ByteBuffer? = packet.withUnsafeBytes { try? RFC4571Framer.frame($0, allocator: allocator) }
        guard let framed else {
            metrics.drop(.malformed)
            return
        }
        send(frame: framed)
    }

    /// The socket can take more: moves queued frames to it.
    func drain() {
        guard !isClosed, !queue.isEmpty else { return }
        let before = queue.bytes
        var wrote = false
        while channel.isWritable, let frame = queue.dequeue() {
            channel.write(frame, promise: nil)
            wrote = true
        }
        metrics.paths.tcpWriteQueueBytes.add(Int64(queue.bytes - before))
        if wrote { channel.flush() }
    }

    /// Closes the socket (once), releasing the queue.
    func close(reason: TCPCloseReason) {
        guard !isClosed else { return }
        isClosed = true
        metrics.paths.closed(reason)
        metrics.paths.tcpWriteQueueBytes.add(-Int64(queue.bytes))
        queue.removeAll()
        pending = nil
        timer?.cancel()
        timer = nil
        boundTransport = nil
        nominatedTransport = nil
        channel.close(promise: nil)
    }
}
