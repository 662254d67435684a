import NIOCore

/// Memory for outgoing datagrams, written back to back, each sent as a
/// `ByteBuffer` slice of one large buffer: fanning a packet out to N
/// subscribers then costs one allocation per 64 KiB instead of one per copy.
///
/// How it avoids copy-on-write: a `ByteBuffer` copies its storage when it is
/// mutated while slices share it. The arena's buffer is therefore made
/// "fully written" once, while it is still unique (writer index at its
/// capacity), and never mutated through its API again; bytes are written
/// through the base pointer taken at that moment, into the region past every
/// slice handed out so far, and slices (`getSlice`, non-mutating) share the
/// storage. A full arena is replaced; NIO frees the old storage when the
/// socket has sent its last slice. Confined to the media event loop.
struct SendArena {
    static let capacity = 64 * 1024
    private var buffer = ByteBuffer()
    private var base: UnsafeMutableRawPointer?
    private var used = 0
    private var size = 0

    /// A region of at least `count` writable bytes; call `commit` with what was written.
    mutating func reserve(_ count: Int, allocator: ByteBufferAllocator) -> UnsafeMutableRawBufferPointer {
        if base == nil || size - used < count {
            var fresh = allocator.buffer(capacity: max(Self.capacity, count))
            fresh.moveWriterIndex(to: fresh.capacity)
            // The storage is unique here, so this does not copy; the pointer
            // stays valid as long as `buffer` holds the storage.
            base = fresh.withUnsafeMutableReadableBytes { $0.baseAddress }
            size = fresh.capacity
            used = 0
            buffer = fresh
        }
        guard let base else { return UnsafeMutableRawBufferPointer(start: nil, count: 0) }
        return UnsafeMutableRawBufferPointer(start: base + used, count: size - used)
    }

    /// The `length` bytes just written at the start of the reserved region, as a datagram.
    mutating func commit(_ length: Int) -> ByteBuffer? {
        guard length > 0, length <= size - used, let slice = buffer.getSlice(at: used, length: length) else { return nil }
        used += length
        return slice
    }
}
