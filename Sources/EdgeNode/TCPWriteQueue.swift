import NIOCore

/// The bounded send queue of one ICE-TCP connection, in front of the
/// socket. Media over TCP is only useful while it is fresh: when the
/// connection cannot keep up, the oldest queued frames are dropped (each is
/// a whole RFC 4571 frame, so the stream stays well-formed) so that the
/// queue never holds more than `limitBytes`, and one slow subscriber costs
/// the node a bounded amount of memory and nobody else anything.
struct TCPWriteQueue {
    /// Most bytes the queue holds.
    let limitBytes: Int
    private(set) var frames = CircularBuffer<ByteBuffer>(initialCapacity: 16)
    /// Bytes queued now.
    private(set) var bytes = 0
    /// The most bytes ever queued at once.
    private(set) var highWaterBytes = 0
    /// Frames dropped to stay within the bound.
    private(set) var droppedFrames: UInt64 = 0

    init(limitBytes: Int) {
        self.limitBytes = max(0, limitBytes)
    }

    var isEmpty: Bool { frames.isEmpty }

    /// Queues `frame`, dropping the oldest frames that keep it from fitting.
    /// A frame larger than the whole bound is itself dropped. Returns how
    /// many frames were dropped.
    @discardableResult
    mutating func enqueue(_ frame: ByteBuffer) -> Int {
        let size = frame.readableBytes
        guard size <= limitBytes else {
            droppedFrames &+= 1
            return 1
        }
        var dropped = 0
        while bytes + size > limitBytes, let oldest = frames.popFirst() {
            bytes -= oldest.readableBytes
            dropped += 1
        }
        frames.append(frame)
        bytes += size
        highWaterBytes = max(highWaterBytes, bytes)
        droppedFrames &+= UInt64(dropped)
        return dropped
    }

    /// The oldest frame, removed from the queue.
    mutating func dequeue() -> ByteBuffer? {
        guard let frame = frames.popFirst() else { return nil }
        bytes -= frame.readableBytes
        return frame
    }

    /// Empties the queue (the connection closed).
    mutating func removeAll() {
        frames.removeAll()
        bytes = 0
    }
}
