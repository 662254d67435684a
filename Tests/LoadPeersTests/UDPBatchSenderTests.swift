#if canImport(Glibc)
import Glibc
#endif
import CUDPBatch
import NIOCore
import NIOPosix
import Testing

@testable import EdgeNode

/// The media socket's batch sender, on real loopback sockets: what it sends
/// arrives whole and in order, a datagram the kernel refuses is skipped and
/// counted, a closed socket is never written, and a batch the kernel will not
/// take now goes out through the channel instead of being lost, up to the
/// channel's high watermark (then it is dropped and counted).
@Suite("UDP batch sender")
struct UDPBatchSenderTests {
    /// A bound sending socket (a NIO channel over a descriptor we made, as the node does)
    /// and a plain receiving socket.
    private final class Sockets {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel: any Channel
        let descriptor: CInt
        let receiver: CInt
        let receiverAddress: SocketAddress

        init() throws {
            descriptor = try MediaServer.boundSocket(try SocketAddress(ipAddress: "127.0.0.1", port: 0))
            channel = try DatagramBootstrap(group: group).withBoundSocket(descriptor).wait()
            let receiver = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            self.receiver = receiver
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(receiver, $0, length) == 0 && getsockname(receiver, $0, &length) == 0
                }
            }
            guard bound else { throw IOError(errnoCode: errno, reason: "receiver") }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(receiver, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            receiverAddress = try SocketAddress(ipAddress: "127.0.0.1", port: Int(UInt16(bigEndian: address.sin_port)))
        }

        func close() throws {
            try? channel.close().wait()
            Glibc.close(receiver)
            try group.syncShutdownGracefully()
        }

        /// The next datagram, or nil after the 5 s receive timeout.
        func receive() -> [UInt8]? {
            var bytes = [UInt8](repeating: 0, count: 4096)
            let count = bytes.withUnsafeMutableBytes { recv(receiver, $0.baseAddress, $0.count, 0) }
            return count < 0 ? nil : Array(bytes[0..<count])
        }
    }

    /// A kernel whose send buffer takes the first two datagrams of the first
    /// call and then reports EAGAIN.
    private final class FullAfterTwo {
        var calls = 0
        func send(_ socket: CInt, _ messages: UnsafeMutablePointer<edgemesh_mmsghdr>, _ count: UInt32) -> Int32 {
            calls += 1
            if calls == 1 { return UDPBatchSender.systemSend(socket, messages, min(count, 2)) }
            errno = EAGAIN
            return -1
        }
    }

    /// Writes `payload` into the next slot and queues it for `address`.
    private static func queue(_ sender: UDPBatchSender, _ payload: [UInt8], to address: SocketAddress) -> Bool {
        let slot = sender.reserve()
        slot.copyBytes(from: payload)
        return sender.commit(length: payload.count, to: address)
    }

    /// Queues payloads `indices` for the receiver.
    private static func queue(_ sender: UDPBatchSender, _ indices: Range<Int>, to sockets: Sockets) {
        for index in indices {
            #expect(queue(sender, payload(index), to: sockets.receiverAddress))
        }
    }

    /// The receiver gets payloads `indices`, in order.
    private static func expectReceived(_ indices: Range<Int>, at sockets: Sockets) {
        for index in indices {
            #expect(sockets.receive() == payload(index))
        }
    }

    /// Flushes on the channel's event loop, as the node does (writability follows each write at once there).
    private static func flushOnLoop(_ sender: UDPBatchSender, _ sockets: Sockets) throws -> UDPBatchSender.FlushResult {
        struct Unchecked: @unchecked Sendable { let sender: UDPBatchSender }
        let box = Unchecked(sender: sender)
        return try sockets.channel.eventLoop.submit { box.sender.flush() }.wait()
    }

    private static func payload(_ index: Int) -> [UInt8] {
        [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 100 + index)
    }

    @Test func moreThanOneBatchArrivesWholeAndInOrder() throws {
        let sockets = try Sockets()
        defer { try? sockets.close() }
        let sender = UDPBatchSender(channel: sockets.channel, socket: sockets.descriptor, capacity: 8)
        Self.queue(sender, 0..<20, to: sockets)
        // Two full batches went out while queueing; four datagrams wait. The flush reports all 20.
        #expect(sender.queued == 4)
        #expect(sender.flush() == UDPBatchSender.FlushResult(sent: 20, failed: 0, deferred: 0))
        #expect(sender.flush() == UDPBatchSender.FlushResult(), "reported once")
        #expect(sender.queued == 0)
        Self.expectReceived(0..<20, at: sockets)
    }

    @Test func aDatagramTheKernelRefusesIsSkippedAndCounted() throws {
        let sockets = try Sockets()
        defer { try? sockets.close() }
        let sender = UDPBatchSender(channel: sockets.channel, socket: sockets.descriptor, capacity: 8)
        let wrongFamily = try SocketAddress(ipAddress: "::1", port: 9)  // an IPv6 address on an IPv4 socket
        #expect(Self.queue(sender, Self.payload(1), to: sockets.receiverAddress))
        #expect(Self.queue(sender, Self.payload(2), to: wrongFamily))
        #expect(Self.queue(sender, Self.payload(3), to: sockets.receiverAddress))
        #expect(sender.flush() == UDPBatchSender.FlushResult(sent: 2, failed: 1, deferred: 0))
        #expect(sockets.receive() == Self.payload(1))
        #expect(sockets.receive() == Self.payload(3))
    }

    @Test func aClosedSocketIsNotWritten() throws {
        let sockets = try Sockets()
        defer { try? sockets.close() }
        var calls = 0
        let sender = UDPBatchSender(channel: sockets.channel, socket: sockets.descriptor, capacity: 8) { _, _, count in
            calls += 1
            return Int32(count)
        }
        #expect(Self.queue(sender, Self.payload(1), to: sockets.receiverAddress))
        try sockets.channel.close().wait()
        #expect(sender.flush() == UDPBatchSender.FlushResult(sent: 0, failed: 1, deferred: 0))
        #expect(calls == 0)
    }

    @Test func aFullSendBufferHandsTheRestToTheChannel() throws {
        let sockets = try Sockets()
        defer { try? sockets.close() }
        // The kernel takes the first two datagrams of the batch, then reports EAGAIN.
        let kernel = FullAfterTwo()
        let sender = UDPBatchSender(channel: sockets.channel, socket: sockets.descriptor, capacity: 8, send: kernel.send)
        Self.queue(sender, 0..<5, to: sockets)
        #expect(try Self.flushOnLoop(sender, sockets) == UDPBatchSender.FlushResult(sent: 2, failed: 0, deferred: 3))
        #expect(kernel.calls == 2)
        // The channel's own writes deliver the other three.
        Self.expectReceived(0..<5, at: sockets)
    }

    @Test func pastTheChannelsHighWatermarkTheRestIsDropped() throws {
        let sockets = try Sockets()
        defer { try? sockets.close() }
        // A channel queue of at most 2 bytes: one handed-over datagram fills it.
        try sockets.channel.setOption(.writeBufferWaterMark, value: .init(low: 1, high: 2)).wait()
        let kernel = FullAfterTwo()
        let sender = UDPBatchSender(channel: sockets.channel, socket: sockets.descriptor, capacity: 8, send: kernel.send)
        Self.queue(sender, 0..<5, to: sockets)
        #expect(try Self.flushOnLoop(sender, sockets) == UDPBatchSender.FlushResult(sent: 2, failed: 0, deferred: 1, overflowed: 2))
        Self.expectReceived(0..<3, at: sockets)
    }

    @Test func aPacketTooLargeForASlotIsNotQueued() throws {
        let sockets = try Sockets()
        defer { try? sockets.close() }
        let sender = UDPBatchSender(channel: sockets.channel, socket: sockets.descriptor, capacity: 8)
        _ = sender.reserve()
        #expect(!sender.commit(length: UDPBatchSender.slotSize + 1, to: sockets.receiverAddress))
        #expect(!sender.commit(length: 0, to: sockets.receiverAddress))
        #expect(sender.queued == 0)
    }
}
