/// Any RTCP packet: the modelled types, or ``RawRTCPPacket`` for the rest.
public enum RTCPPacket: RTCPPacketCodable {
    case senderReport(SenderReport)
    case receiverReport(ReceiverReport)
    case sourceDescription(SourceDescription)
    case goodbye(Goodbye)
    case applicationDefined(ApplicationDefined)
    case genericNACK(GenericNACK)
    case transportLayerCC(TransportLayerCC)
    case pictureLossIndication(PictureLossIndication)
    case fullIntraRequest(FullIntraRequest)
    case receiverEstimatedMaxBitrate(ReceiverEstimatedMaxBitrate)
    /// A type or feedback format not modelled here, kept for passthrough.
    case raw(RawRTCPPacket)

    /// Parses the packet at the start of `buffer`, choosing the type from
    /// its PT and, for feedback messages, FMT (RFC 4585 §6.1).
    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        let (header, body) = try RTCPHeader.split(buffer)
        try self.init(header: header, body: body)
    }

    init(header: RTCPHeader, body: UnsafeRawBufferPointer) throws(RTPError) {
        switch (header.packetType, header.count) {
        case (.senderReport, _): self = .senderReport(try SenderReport(header: header, body: body))
        case (.receiverReport, _): self = .receiverReport(try ReceiverReport(header: header, body: body))
        case (.sourceDescription, _): self = .sourceDescription(try SourceDescription(header: header, body: body))
        case (.goodbye, _): self = .goodbye(try Goodbye(header: header, body: body))
        case (.applicationDefined, _): self = .applicationDefined(try ApplicationDefined(header: header, body: body))
        case (.transportFeedback, GenericNACK.format): self = .genericNACK(try GenericNACK(header: header, body: body))
        case (.transportFeedback, TransportLayerCC.format):
            self = .transportLayerCC(try TransportLayerCC(header: header, body: body))
        case (.payloadFeedback, PictureLossIndication.format):
            self = .pictureLossIndication(try PictureLossIndication(header: header, body: body))
        case (.payloadFeedback, FullIntraRequest.format):
            self = .fullIntraRequest(try FullIntraRequest(header: header, body: body))
        case (.payloadFeedback, ReceiverEstimatedMaxBitrate.format) where ReceiverEstimatedMaxBitrate.matches(body):
            self = .receiverEstimatedMaxBitrate(try ReceiverEstimatedMaxBitrate(header: header, body: body))
        default: self = .raw(RawRTCPPacket(header: header, body: body))
        }
    }

    public var marshalSize: Int {
        switch self {
        case .senderReport(let p): return p.marshalSize
        case .receiverReport(let p): return p.marshalSize
        case .sourceDescription(let p): return p.marshalSize
        case .goodbye(let p): return p.marshalSize
        case .applicationDefined(let p): return p.marshalSize
        case .genericNACK(let p): return p.marshalSize
        case .transportLayerCC(let p): return p.marshalSize
        case .pictureLossIndication(let p): return p.marshalSize
        case .fullIntraRequest(let p): return p.marshalSize
        case .receiverEstimatedMaxBitrate(let p): return p.marshalSize
        case .raw(let p): return p.marshalSize
        }
    }

    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        switch self {
        case .senderReport(let p): return try p.write(into: buffer)
        case .receiverReport(let p): return try p.write(into: buffer)
        case .sourceDescription(let p): return try p.write(into: buffer)
        case .goodbye(let p): return try p.write(into: buffer)
        case .applicationDefined(let p): return try p.write(into: buffer)
        case .genericNACK(let p): return try p.write(into: buffer)
        case .transportLayerCC(let p): return try p.write(into: buffer)
        case .pictureLossIndication(let p): return try p.write(into: buffer)
        case .fullIntraRequest(let p): return try p.write(into: buffer)
        case .receiverEstimatedMaxBitrate(let p): return try p.write(into: buffer)
        case .raw(let p): return try p.write(into: buffer)
        }
    }
}

/// Iterates the packets of a compound RTCP packet (RFC 3550 §6.1) without
/// allocating for the iteration itself.
///
///     var reader = RTCPCompoundReader(buffer)
///     while let packet = try reader.next() { … }
public struct RTCPCompoundReader {
    private let buffer: UnsafeRawBufferPointer
    private var offset = 0

    /// A reader over `buffer`, which holds one or more stacked packets.
    public init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    /// Offset of the next packet within the buffer.
    public var position: Int { offset }

    /// The next packet's header and the range of its bytes, without parsing
    /// the body; `nil` at the end. Lets a caller pick out, say, PLIs cheaply.
    public mutating func nextHeader() throws(RTPError) -> (header: RTCPHeader, range: Range<Int>)? {
        guard offset < buffer.count else { return nil }
        let rest = UnsafeRawBufferPointer(rebasing: buffer[offset...])
        let header = try RTCPHeader(parsing: rest)
        let range = offset..<(offset + header.packetSize)
        offset = range.upperBound
        return (header, range)
    }

    /// The next packet, parsed; `nil` at the end.
    public mutating func next() throws(RTPError) -> RTCPPacket? {
        guard offset < buffer.count else { return nil }
        let rest = UnsafeRawBufferPointer(rebasing: buffer[offset...])
        let (header, body) = try RTCPHeader.split(rest)
        offset += header.packetSize
        return try RTCPPacket(header: header, body: body)
    }
}

/// Parsing and building compound RTCP packets (RFC 3550 §6.1).
public enum RTCPCompound {
    /// Parses every packet in `buffer`.
    public static func parse(_ buffer: UnsafeRawBufferPointer) throws(RTPError) -> [RTCPPacket] {
        var reader = RTCPCompoundReader(buffer)
        var packets: [RTCPPacket] = []
        while let packet = try reader.next() { packets.append(packet) }
        return packets
    }

    /// Parses every packet in `bytes`.
    public static func parse(_ bytes: [UInt8]) throws(RTPError) -> [RTCPPacket] {
        try withBytes(bytes) { (b) throws(RTPError) in try parse(b) }
    }

    /// Total size of `packets` written back to back.
    public static func marshalSize(_ packets: [RTCPPacket]) -> Int {
        packets.reduce(0) { $0 + $1.marshalSize }
    }

    /// Writes `packets` back to back into `buffer`; returns the bytes written.
    public static func write(_ packets: [RTCPPacket], into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        let size = marshalSize(packets)
        guard buffer.count >= size else { throw .bufferTooSmall(needed: size, available: buffer.count) }
        var offset = 0
        for packet in packets {
            offset += try packet.write(into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
        }
        return offset
    }

    /// The bytes of `packets` written back to back.
    public static func marshal(_ packets: [RTCPPacket]) throws(RTPError) -> [UInt8] {
        try makeBytes(size: marshalSize(packets)) { (b) throws(RTPError) in try write(packets, into: b) }
    }
}
