import NIOCore

/// RFC 4571 §2 framing of RTP, RTCP, STUN and DTLS over a TCP stream (the
/// framing ICE-TCP uses, RFC 6544 §3):
///
///     0                   1                   2                   3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    ---------------------------------------------------------------
///    |             LENGTH            |  RTP or RTCP packet ...       |
///    ---------------------------------------------------------------
///
/// LENGTH is the 16-bit unsigned size of the packet that follows, in
/// network byte order. A pure parser: frames are slices of the input buffer
/// (no copy); a length of zero or above `maxFrameLength` is an error, after
/// which the stream cannot be resynchronised and must be closed.
enum RFC4571Framer {
    /// Bytes of the length prefix.
    static let headerLength = 2

    /// Takes the next complete frame off `buffer`, or returns nil (consuming
    /// nothing) when the frame is not complete yet.
    static func nextFrame(from buffer: inout ByteBuffer, maxFrameLength: Int) throws(TCPFramingError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) else { return nil }
        let frameLength = Int(length)
        guard frameLength > 0 else { throw .emptyFrame }
        guard frameLength <= maxFrameLength else { throw .frameTooLarge(length: frameLength, limit: maxFrameLength) }
        guard buffer.readableBytes >= headerLength + frameLength else { return nil }
        buffer.moveReaderIndex(forwardBy: headerLength)
        return buffer.readSlice(length: frameLength)
    }

    /// Writes one frame: the length prefix, then `payload`.
    static func frame(_ payload: UnsafeRawBufferPointer, allocator: ByteBufferAllocator) throws(TCPFramingError) -> ByteBuffer {
        guard payload.count > 0, payload.count <= Int(UInt16.max) else {
            throw .frameTooLarge(length: payload.count, limit: Int(UInt16.max))
        }
        var buffer = allocator.buffer(capacity: headerLength + payload.count)
        buffer.writeInteger(UInt16(truncatingIfNeeded: payload.count))
        buffer.writeBytes(payload)
        return buffer
    }
}

/// What was wrong with a TCP media connection's stream.
enum TCPFramingError: Error, Equatable, Sendable {
    /// A LENGTH of zero (RFC 4571 carries whole packets; none is empty).
    case emptyFrame
    /// A LENGTH above what any packet of a WebRTC transport can be.
    case frameTooLarge(length: Int, limit: Int)
}
