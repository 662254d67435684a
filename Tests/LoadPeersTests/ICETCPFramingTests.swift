import NIOCore
import Testing

@testable import EdgeNode

/// RFC 4571 §2 deframing and the bounded ICE-TCP write queue of the SFU node.
@Suite("ICE-TCP framing and write queue")
struct ICETCPFramingTests {
    private static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    @Test func twoFramesAndAPartialThird() throws {
        var input = Self.buffer([
            0x00, 0x03, 0x80, 0x60, 0x01,  // LENGTH 3, an RTP-looking start
            0x00, 0x01, 0x16,  // LENGTH 1, a DTLS content type byte
            0x00, 0x04, 0x00, 0x01,  // LENGTH 4, only 2 of 4 bytes so far
        ])
        let first = try RFC4571Framer.nextFrame(from: &input, maxFrameLength: 2048)
        #expect(first.map { Array($0.readableBytesView) } == [0x80, 0x60, 0x01])
        let second = try RFC4571Framer.nextFrame(from: &input, maxFrameLength: 2048)
        #expect(second.map { Array($0.readableBytesView) } == [0x16])
        #expect(try RFC4571Framer.nextFrame(from: &input, maxFrameLength: 2048) == nil)
        #expect(input.readableBytes == 4)  // the partial frame is left, prefix included
        input.writeBytes([0x00, 0x01])
        let third = try RFC4571Framer.nextFrame(from: &input, maxFrameLength: 2048)
        #expect(third.map { Array($0.readableBytesView) } == [0x00, 0x01, 0x00, 0x01])
    }

    @Test func onlyOneByteOfTheLengthWaits() throws {
        var input = Self.buffer([0x00])
        #expect(try RFC4571Framer.nextFrame(from: &input, maxFrameLength: 2048) == nil)
        #expect(input.readableBytes == 1)
    }

    @Test(arguments: [
        ([0xFF, 0xFF] as [UInt8], TCPFramingError.frameTooLarge(length: 65535, limit: 2048)),  // 64 KiB LENGTH
        ([0x47, 0x45, 0x54, 0x20], TCPFramingError.frameTooLarge(length: 0x4745, limit: 2048)),  // "GET " (HTTP)
        ([0x08, 0x01], TCPFramingError.frameTooLarge(length: 2049, limit: 2048)),  // one past the limit
        ([0x00, 0x00, 0x01], TCPFramingError.emptyFrame),  // LENGTH 0
    ])
    func badLengthsAreErrorsBeforeAnyPayloadArrives(bytes: [UInt8], expected: TCPFramingError) {
        var input = Self.buffer(bytes)
        #expect(throws: expected) { try RFC4571Framer.nextFrame(from: &input, maxFrameLength: 2048) }
    }

    @Test func frameWritesTheLengthPrefix() throws {
        let payload: [UInt8] = [0x00, 0x01, 0x00, 0x00]  // a STUN header start
        let framed = try payload.withUnsafeBytes { try RFC4571Framer.frame($0, allocator: ByteBufferAllocator()) }
        #expect(Array(framed.readableBytesView) == [0x00, 0x04] + payload)
        var roundTrip = framed
        #expect(try RFC4571Framer.nextFrame(from: &roundTrip, maxFrameLength: 2048).map { Array($0.readableBytesView) } == payload)
    }

    @Test func queueDropsOldestFramesToStayWithinItsBound() {
        var queue = TCPWriteQueue(limitBytes: 1000)
        for index in 0..<5 {  // 5 × 300 bytes into a 1000-byte queue
            let dropped = queue.enqueue(ByteBuffer(repeating: UInt8(index), count: 300))
            #expect(dropped == (index < 3 ? 0 : 1))
            #expect(queue.bytes <= 1000)
        }
        #expect(queue.bytes == 900)
        #expect(queue.highWaterBytes == 900)
        #expect(queue.droppedFrames == 2)
        // The oldest two (0 and 1) went; 2, 3, 4 are left in order.
        #expect(queue.dequeue()?.readableBytesView.first == 2)
        #expect(queue.dequeue()?.readableBytesView.first == 3)
        #expect(queue.dequeue()?.readableBytesView.first == 4)
        #expect(queue.dequeue() == nil)
        #expect(queue.bytes == 0)
    }

    @Test func frameLargerThanTheBoundIsDroppedAlone() {
        var queue = TCPWriteQueue(limitBytes: 100)
        queue.enqueue(ByteBuffer(repeating: 1, count: 60))
        #expect(queue.enqueue(ByteBuffer(repeating: 2, count: 101)) == 1)
        #expect(queue.bytes == 60)
        #expect(queue.droppedFrames == 1)
    }
}
