#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CUDPBatch
import NIOCore

/// Outgoing SRTP of one media UDP socket, sent with `sendmmsg` straight
/// from fixed slots, without NIO's per-write machinery.
///
/// A fan-out of one packet to N subscribers is N datagrams; through
/// `Channel.write` each was a `ByteBuffer` slice, an `AddressedEnvelope`, a
/// boxed `NIOAny` and a pending-write entry, about a tenth of the node's CPU
/// per forwarded packet (perf, N = 500). Here a copy is protected in place in
/// its slot, its destination is copied into the slot's `sockaddr`, and a full
/// batch (or the end of the read batch) goes out in one system call.
///
/// The socket stays NIO's (reads, STUN, DTLS and close go through the
/// channel). A batch the kernel will not take now (`EAGAIN`) is handed to the
/// channel's own writes, which queue it until the socket is writable again,
/// so a short burst over the send buffer is delayed instead of lost; once
/// that queue is past its high watermark too, the rest is dropped and
/// counted. A datagram the kernel refuses outright (no route, bad address)
/// is counted and skipped.
/// Confined to the media event loop.
final class UDPBatchSender {
    /// Bytes per slot: a packet that needs more goes through the channel.
    static let slotSize = 2048

    /// Datagrams per `sendmmsg`.
    let capacity: Int
    private let channel: any Channel
    private let socket: CInt
    private let slots: UnsafeMutableRawBufferPointer
    private let messages: UnsafeMutablePointer<edgemesh_mmsghdr>
    private let vectors: UnsafeMutablePointer<iovec>
    private let addresses: UnsafeMutablePointer<sockaddr_storage>
    /// Datagrams queued in slots `0..<queued`.
    private(set) var queued = 0

    /// What one `flush` did.
    struct FlushResult: Equatable {
        var sent = 0
        /// Refused by the kernel for that datagram alone, or queued when the
        /// channel had closed (skipped).
        var failed = 0
        /// Handed to the channel because the socket's send buffer was full.
        var deferred = 0
        /// Dropped because the send buffer was full and the channel's own
        /// queue was past its high watermark too.
        var overflowed = 0

        mutating func add(_ other: FlushResult) {
            sent += other.sent
            failed += other.failed
            deferred += other.deferred
            overflowed += other.overflowed
        }
    }
    /// What batches sent by `reserve` did, until the next `flush` reports it.
    private var unreported = FlushResult()

    /// The system call: `edgemesh_sendmmsg` (tests put a function with the same contract here).
    typealias SendFunction = (CInt, UnsafeMutablePointer<edgemesh_mmsghdr>, UInt32) -> Int32
    private let send: SendFunction
    /// The real system call.
    static func systemSend(_ socket: CInt, _ messages: UnsafeMutablePointer<edgemesh_mmsghdr>, _ count: UInt32) -> Int32 {
        edgemesh_sendmmsg(socket, messages, count)
    }

    /// `socket` is `channel`'s own descriptor.
    init(channel: any Channel, socket: CInt, capacity: Int, send: @escaping SendFunction = UDPBatchSender.systemSend) {
        precondition(capacity >= 1)
        self.channel = channel
        self.socket = socket
        self.send = send
        self.capacity = capacity
        self.slots = .allocate(byteCount: capacity * Self.slotSize, alignment: 16)
        self.messages = .allocate(capacity: capacity)
        self.vectors = .allocate(capacity: capacity)
        self.addresses = .allocate(capacity: capacity)
        for i in 0..<capacity {
            vectors[i] = iovec(iov_base: slots.baseAddress! + i * Self.slotSize, iov_len: 0)
            messages[i] = edgemesh_mmsghdr()
            messages[i].msg_hdr.msg_name = UnsafeMutableRawPointer(addresses + i)
            messages[i].msg_hdr.msg_iov = vectors + i
            messages[i].msg_hdr.msg_iovlen = 1
        }
    }

    deinit {
        slots.deallocate()
        messages.deallocate()
        vectors.deallocate()
        addresses.deallocate()
    }

    /// The next free slot, `slotSize` bytes (a full batch is sent first; the
    /// next `flush` reports it).
    func reserve() -> UnsafeMutableRawBufferPointer {
        if queued == capacity { unreported.add(sendQueued()) }
        return UnsafeMutableRawBufferPointer(rebasing: slots[queued * Self.slotSize..<(queued + 1) * Self.slotSize])
    }

    /// Queues the first `length` bytes of the slot `reserve` returned, for `address`.
    /// Returns false (nothing queued) for an address the socket cannot take.
    func commit(length: Int, to address: SocketAddress) -> Bool {
        guard length > 0, length <= Self.slotSize, queued < capacity else { return false }
        let index = queued
        let addressLength = address.withSockAddr { pointer, size -> Int in
            guard size <= MemoryLayout<sockaddr_storage>.size else { return 0 }
            UnsafeMutableRawPointer(addresses + index).copyMemory(from: pointer, byteCount: size)
            return size
        }
        guard addressLength > 0 else { return false }
        messages[index].msg_hdr.msg_namelen = socklen_t(addressLength)
        vectors[index].iov_len = length
        queued = index + 1
        return true
    }

    /// Sends everything queued. The result also counts the batches `reserve`
    /// sent since the last `flush`.
    func flush() -> FlushResult {
        var result = unreported
        unreported = FlushResult()
        result.add(sendQueued())
        return result
    }

    private func sendQueued() -> FlushResult {
        var result = FlushResult()
        guard queued > 0 else { return result }
        defer { queued = 0 }
        // Closed: the descriptor may already belong to another socket.
        guard channel.isActive else {
            result.failed = queued
            return result
        }
        var next = 0
        while next < queued {
            let sent = send(socket, messages + next, UInt32(queued - next))
            if sent > 0 {
                next += Int(sent)
                result.sent += Int(sent)
                continue
            }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK {
                (result.deferred, result.overflowed) = handToChannel(from: next)
                result.failed += queued - next - result.deferred - result.overflowed
                return result
            }
            // This datagram alone (sendmmsg reports the error of the first unsent one).
            result.failed += 1
            next += 1
        }
        return result
    }

    /// Hands slots `first..<queued` to the channel's queued writes while the
    /// channel is writable (below its high watermark); the rest are dropped:
    /// a socket that stays full must not grow a queue without bound.
    /// Returns how many were handed over and how many dropped.
    private func handToChannel(from first: Int) -> (handed: Int, dropped: Int) {
        var handed = 0
        var dropped = 0
        for index in first..<queued {
            guard let address = socketAddress(slot: index) else { continue }
            guard channel.isWritable else {
                dropped += 1
                continue
            }
            let length = vectors[index].iov_len
            var buffer = channel.allocator.buffer(capacity: length)
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: slots[index * Self.slotSize..<index * Self.slotSize + length]))
            channel.write(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
            handed += 1
        }
        if handed > 0 { channel.flush() }
        return (handed, dropped)
    }

    private func socketAddress(slot index: Int) -> SocketAddress? {
        let raw = UnsafeRawPointer(addresses + index)
        switch Int32(addresses[index].ss_family) {
        case AF_INET:
            return SocketAddress(raw.load(as: sockaddr_in.self))
        case AF_INET6:
            return SocketAddress(raw.load(as: sockaddr_in6.self))
        default:
            return nil
        }
    }
}
