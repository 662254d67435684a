/// Transport-wide congestion control feedback, transport-layer feedback
/// FMT=15 (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P|  FMT=15 |    PT=205     |           length              |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                     SSRC of packet sender                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                      SSRC of media source                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |      base sequence number     |      packet status count      |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                 reference time                | fb pkt. count |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |          packet chunk         |         packet chunk          |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     .                                                               .
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |         packet chunk          |  recv delta   |  recv delta   |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     .                                                               .
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |           recv delta          |  recv delta   | zero padding  |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// Chunks are read until `packetStatusCount` statuses are covered (a last
/// vector may hold unused slots); then one receive delta follows per
/// received packet, 1 byte for small and 2 bytes for large deltas.
public struct TransportLayerCC: RTCPPacketCodable {
    /// The FMT value of transport-wide feedback.
    public static let format: UInt8 = 15
    /// Receive deltas and the reference time fraction are in 250 µs ticks.
    public static let deltaTickMicroseconds: Int64 = 250
    /// The reference time is in 64 ms units.
    public static let referenceTimeMicroseconds: Int64 = 64_000

    /// SSRC of the packet sender.
    public var senderSSRC: SSRC
    /// SSRC of the media source (unused by the algorithm; often the first
    /// media SSRC).
    public var mediaSSRC: SSRC
    /// Transport-wide sequence number of the first packet reported.
    public var baseSequenceNumber: UInt16
    /// Number of packets reported, starting at the base.
    public var packetStatusCount: UInt16
    /// 24-bit reference time in 64 ms units.
    public var referenceTime: UInt32
    /// Feedback packet counter, incremented per feedback sent.
    public var feedbackPacketCount: UInt8
    /// The status chunks, in wire order.
    public var chunks: [PacketStatusChunk]
    /// Receive deltas in 250 µs ticks, one per received packet.
    public var receiveDeltas: [Int16]

    /// A feedback message with every field given.
    public init(
        senderSSRC: SSRC, mediaSSRC: SSRC, baseSequenceNumber: UInt16, packetStatusCount: UInt16,
        referenceTime: UInt32, feedbackPacketCount: UInt8, chunks: [PacketStatusChunk], receiveDeltas: [Int16]
    ) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.baseSequenceNumber = baseSequenceNumber
        self.packetStatusCount = packetStatusCount
        self.referenceTime = referenceTime
        self.feedbackPacketCount = feedbackPacketCount
        self.chunks = chunks
        self.receiveDeltas = receiveDeltas
    }

    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        let (header, body) = try RTCPHeader.split(buffer, expecting: .transportFeedback)
        guard header.count == Self.format else { throw .unexpectedFormat(expected: Self.format, actual: header.count) }
        try self.init(header: header, body: body)
    }

    init(header: RTCPHeader, body: UnsafeRawBufferPointer) throws(RTPError) {
        (senderSSRC, mediaSSRC) = try parseFeedbackSSRCs(body, .transportLayerCC)
        let total = RTCPHeader.size + body.count
        guard body.count >= 16 else { throw .truncated(.transportLayerCC, needed: RTCPHeader.size + 16, available: total) }
        baseSequenceNumber = body.be16(8)
        packetStatusCount = body.be16(10)
        referenceTime = body.be24(12)
        feedbackPacketCount = body.u8(15)

        var offset = 16
        var remaining = Int(packetStatusCount)
        var received = 0
        chunks = []
        while remaining > 0 {
            guard offset + 2 <= body.count else {
                throw .truncated(.packetStatusChunk, needed: RTCPHeader.size + offset + 2, available: total)
            }
            let chunk = PacketStatusChunk(rawValue: body.be16(offset))
            offset += 2
            try chunk.forEachRaw(limit: remaining) { (symbol, repeats) throws(RTPError) in
                guard symbol != 3 else { throw .invalidValue(.packetStatusChunk, value: 3) }
                if symbol != 0 { received += repeats }
            }
            remaining -= min(chunk.symbolCount, remaining)
            chunks.append(chunk)
        }

        receiveDeltas = []
        receiveDeltas.reserveCapacity(received)
        remaining = Int(packetStatusCount)
        for chunk in chunks {
            try chunk.forEachRaw(limit: remaining) { (symbol, repeats) throws(RTPError) in
                for _ in 0..<(symbol == 0 ? 0 : repeats) {
                    guard offset + Int(symbol) <= body.count else {
                        throw .truncated(.receiveDelta, needed: RTCPHeader.size + offset + Int(symbol), available: total)
                    }
                    receiveDeltas.append(symbol == 1 ? Int16(body.u8(offset)) : Int16(bitPattern: body.be16(offset)))
                    offset += Int(symbol)
                }
            }
            remaining -= min(chunk.symbolCount, remaining)
        }
    }

    /// Checks chunks against deltas and returns the bytes of the receive deltas.
    private func deltaBytes() throws(RTPError) -> Int {
        var remaining = Int(packetStatusCount)
        var index = 0
        var bytes = 0
        for chunk in chunks {
            try chunk.forEachRaw(limit: remaining) { (symbol, repeats) throws(RTPError) in
                guard symbol != 3 else { throw .invalidValue(.packetStatusChunk, value: 3) }
                guard symbol != 0 else { return }
                guard index + repeats <= receiveDeltas.count else {
                    throw .tooManyItems(.receiveDelta, count: index + repeats, limit: receiveDeltas.count)
                }
                if symbol == 1 {
                    for delta in receiveDeltas[index..<(index + repeats)] where !(0...255).contains(delta) {
                        throw .invalidValue(.receiveDelta, value: Int(delta))
                    }
                }
                index += repeats
                bytes += repeats * Int(symbol)
            }
            remaining -= min(chunk.symbolCount, remaining)
        }
        guard remaining == 0 else { throw .truncated(.packetStatusChunk, needed: Int(packetStatusCount), available: Int(packetStatusCount) - remaining) }
        guard index == receiveDeltas.count else {
            throw .tooManyItems(.receiveDelta, count: receiveDeltas.count, limit: index)
        }
        return bytes
    }

    private var unpaddedBodySize: Int {
        var remaining = Int(packetStatusCount)
        var bytes = 0
        for chunk in chunks {
            try? chunk.forEachRaw(limit: remaining) { (symbol, repeats) throws(RTPError) in
                bytes += repeats * Int(symbol & 3 == 3 ? 0 : symbol)
            }
            remaining -= min(chunk.symbolCount, remaining)
        }
        return 16 + chunks.count * 2 + bytes
    }

    public var marshalSize: Int { RTCPHeader.packetSize(bodySize: unpaddedBodySize) }

    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        let deltas = try deltaBytes()
        guard referenceTime <= 0xFF_FFFF else { throw .invalidValue(.transportLayerCC, value: Int(referenceTime)) }
        let bodySize = 16 + chunks.count * 2 + deltas
        let total = try RTCPHeader.write(count: Self.format, type: .transportFeedback, bodySize: bodySize, into: buffer)
        buffer.put32(senderSSRC.rawValue, 4)
        buffer.put32(mediaSSRC.rawValue, 8)
        buffer.put16(baseSequenceNumber, 12)
        buffer.put16(packetStatusCount, 14)
        buffer.put32(referenceTime << 8 | UInt32(feedbackPacketCount), 16)
        var offset = 20
        for chunk in chunks {
            buffer.put16(chunk.rawValue, offset)
            offset += 2
        }
        var remaining = Int(packetStatusCount)
        var index = 0
        for chunk in chunks {
            try chunk.forEachRaw(limit: remaining) { (symbol, repeats) throws(RTPError) in
                guard symbol != 0 else { return }
                for delta in receiveDeltas[index..<(index + repeats)] {
                    if symbol == 1 {
                        buffer.put8(UInt8(truncatingIfNeeded: delta), offset)
                    } else {
                        buffer.put16(UInt16(bitPattern: delta), offset)
                    }
                    offset += Int(symbol)
                }
                index += repeats
            }
            remaining -= min(chunk.symbolCount, remaining)
        }
        return total
    }
}
