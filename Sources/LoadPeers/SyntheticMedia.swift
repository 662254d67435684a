import RTP

/// Synthetic VP8 over RTP (RFC 7741) that the SFU forwards like camera video,
/// with each packet's send time inside so receivers can measure latency.
///
/// Packet layout (plaintext, before SRTP):
///
///     +--------------------------+ 0
///     | RTP header (RFC 3550 §5.1), 12 bytes, marker on a frame's last packet
///     +--------------------------+ 12
///     | header extensions, when configured (simulcast: sdes:mid and
///     |   rtp-stream-id), RFC 8285 §4.2 one-byte form, 0xBEDE + elements
///     +--------------------------+ 12 + e
///     | VP8 payload descriptor (RFC 7741 §4.2), 4 bytes:
///     |   X=1, S on a frame's first packet, PID=0; I=1, 15-bit PictureID
///     +--------------------------+ 16 + e
///     | VP8 payload header (RFC 7741 §4.3, RFC 6386 §9.1), first packet of
///     |   a frame only: 3-byte frame tag (P=0 on keyframes), plus start code
///     |   9d 01 2a and 14-bit width/height on keyframes (10 bytes in all)
///     +--------------------------+
///     | send time: 8 bytes, big-endian CLOCK_MONOTONIC nanoseconds
///     +--------------------------+
///     | filler up to the packet size
///     +--------------------------+
///
/// The send time follows the VP8 payload header rather than the descriptor
/// directly, so that the first payload byte of a frame stays a real frame
/// tag and keyframe detection (the P bit) sees what a VP8 encoder would send.
public struct SyntheticVP8Stream: Sendable {
    /// The configuration of a stream.
    public struct Configuration: Sendable, Hashable {
        /// RTP packet size in bytes before SRTP (12-byte header included).
        public var packetSize: Int = 1200
        /// Packets per video frame (the marker bit is set on the last one).
        public var packetsPerFrame: Int = 4
        /// Frames per second; the RTP timestamp (90 kHz) advances by 90000 / frameRate per frame.
        public var frameRate: Int = 30
        /// A keyframe every this many frames (and whenever one is requested).
        public var keyframeInterval: Int = 300
        public var payloadType: UInt8 = PublisherOffer.vp8PayloadType
        /// Frame size written into keyframe headers (RFC 6386 §9.1, 14 bits each).
        public var width: UInt16 = 640
        public var height: UInt16 = 360
        /// Header extension elements on every packet (RFC 8285 one-byte
        /// form: ids 1...14, values 1...16 bytes); empty: none.
        public var headerExtensions: [RTPHeaderExtension] = []

        public init() {}
    }

    /// Smallest packet that holds header, descriptor, keyframe header and send time.
    public static let minimumPacketSize = RTPHeaderView.fixedHeaderSize + 4 + 10 + 8
    /// Largest packet size accepted (leaves room for SRTP in a 1500-byte MTU).
    public static let maximumPacketSize = 1400

    public let configuration: Configuration
    public let ssrc: UInt32
    public private(set) var sequenceNumber: UInt16
    public private(set) var rtpTimestamp: UInt32
    public private(set) var pictureID: UInt16 = 0
    /// Frames started so far.
    public private(set) var frames: UInt64 = 0
    /// Keyframes started so far.
    public private(set) var keyframes: UInt64 = 0
    private var packetInFrame = 0
    private var currentIsKeyframe = false
    private var keyframeRequested = true
    /// The extension block after the fixed header (profile, length, elements, padding).
    private let extensionBlock: [UInt8]

    public init(configuration: Configuration, ssrc: UInt32, initialSequence: UInt16 = .random(in: 0...UInt16.max),
                initialTimestamp: UInt32 = .random(in: 0...UInt32.max)) throws(LoadPeersError) {
        let block = try Self.extensionBlock(configuration.headerExtensions)
        guard (Self.minimumPacketSize + block.count...Self.maximumPacketSize).contains(configuration.packetSize) else {
            throw .invalidConfiguration(name: "packet size", value: "\(configuration.packetSize)")
        }
        guard configuration.packetsPerFrame >= 1, configuration.frameRate >= 1, configuration.keyframeInterval >= 1,
              configuration.payloadType <= 127, (1...0x3FFF).contains(configuration.width),
              (1...0x3FFF).contains(configuration.height)
        else {
            throw .invalidConfiguration(name: "vp8 stream", value: "\(configuration)")
        }
        self.extensionBlock = block
        self.configuration = configuration
        self.ssrc = ssrc
        self.sequenceNumber = initialSequence
        self.rtpTimestamp = initialTimestamp
    }

    /// The next frame starts with a keyframe (PLI/FIR received).
    public mutating func requestKeyframe() {
        keyframeRequested = true
    }

    /// Writes the next packet into `buffer` (at least `configuration.packetSize`
    /// bytes) with `sendTime` embedded; returns its length and whether it is
    /// the first packet of a keyframe.
    public mutating func writeNext(into buffer: UnsafeMutableRawBufferPointer, sendTime: UInt64) -> (length: Int, keyframe: Bool) {
        let size = configuration.packetSize
        precondition(buffer.count >= size, "buffer smaller than the packet size")
        let startsFrame = packetInFrame == 0
        if startsFrame {
            if frames > 0 {
                rtpTimestamp &+= UInt32(90_000 / configuration.frameRate)
                pictureID = (pictureID &+ 1) & 0x7FFF
            }
            currentIsKeyframe = keyframeRequested || frames % UInt64(configuration.keyframeInterval) == 0
            keyframeRequested = false
            frames &+= 1
            if currentIsKeyframe { keyframes &+= 1 }
        }
        let endsFrame = packetInFrame == configuration.packetsPerFrame - 1
        // RTP header (RFC 3550 §5.1): V=2, no padding/CSRC, X when extensions follow.
        buffer.storeBytes(of: extensionBlock.isEmpty ? 0x80 : 0x90, toByteOffset: 0, as: UInt8.self)
        buffer.storeBytes(of: (endsFrame ? 0x80 : 0) | configuration.payloadType, toByteOffset: 1, as: UInt8.self)
        buffer.storeBytes(of: sequenceNumber.bigEndian, toByteOffset: 2, as: UInt16.self)
        buffer.storeBytes(of: rtpTimestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
        buffer.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
        var offset = RTPHeaderView.fixedHeaderSize
        if !extensionBlock.isEmpty {
            extensionBlock.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + $0.count)]).copyMemory(from: $0)
            }
            offset += extensionBlock.count
        }
        // VP8 payload descriptor: X=1, S, PID=0; I=1; M=1 + 15-bit PictureID.
        buffer.storeBytes(of: startsFrame ? 0x90 : 0x80, toByteOffset: offset, as: UInt8.self)
        buffer.storeBytes(of: 0x80, toByteOffset: offset + 1, as: UInt8.self)
        buffer.storeBytes(of: (0x8000 | pictureID).bigEndian, toByteOffset: offset + 2, as: UInt16.self)
        offset += 4
        if startsFrame {
            // Frame tag (RFC 6386 §9.1): P (0 = key), version 0, show_frame 1,
            // first_part_size (19 bits) = the rest of this packet.
            let firstPartSize = UInt32(size - offset - 10) & 0x7FFFF
            let tag: UInt32 = (currentIsKeyframe ? 0 : 1) | (1 << 4) | (firstPartSize << 5)
            buffer.storeBytes(of: UInt8(truncatingIfNeeded: tag), toByteOffset: offset, as: UInt8.self)
            buffer.storeBytes(of: UInt8(truncatingIfNeeded: tag >> 8), toByteOffset: offset + 1, as: UInt8.self)
            buffer.storeBytes(of: UInt8(truncatingIfNeeded: tag >> 16), toByteOffset: offset + 2, as: UInt8.self)
            offset += 3
            if currentIsKeyframe {
                // Start code, then width and height little-endian, scale bits 0 (RFC 6386 §9.1).
                for (index, byte) in [UInt8]([0x9D, 0x01, 0x2A]).enumerated() {
                    buffer.storeBytes(of: byte, toByteOffset: offset + index, as: UInt8.self)
                }
                buffer.storeBytes(of: configuration.width.littleEndian, toByteOffset: offset + 3, as: UInt16.self)
                buffer.storeBytes(of: configuration.height.littleEndian, toByteOffset: offset + 5, as: UInt16.self)
                offset += 7
            }
        }
        buffer.storeBytes(of: sendTime.bigEndian, toByteOffset: offset, as: UInt64.self)
        offset += 8
        if size > offset {
            UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<size]).initializeMemory(as: UInt8.self, repeating: 0x5A)
        }
        let keyframe = startsFrame && currentIsKeyframe
        sequenceNumber &+= 1
        packetInFrame = endsFrame ? 0 : packetInFrame + 1
        return (size, keyframe)
    }

    /// The send time embedded in a VP8 RTP payload written by this type, or
    /// nil if the payload is too short or has no valid descriptor.
    public static func sendTime(inPayload payload: UnsafeRawBufferPointer) -> UInt64? {
        guard let (descriptor, size) = try? VP8PayloadDescriptor.parse(payload) else { return nil }
        var offset = size
        if descriptor.startOfPartition, descriptor.partitionIndex == 0 {
            offset += descriptor.isKeyframe ? 10 : 3
        }
        return readTimestamp(payload, at: offset)
    }

    /// The frame size in the keyframe header of a VP8 RTP payload (the
    /// first packet of a keyframe, RFC 6386 §9.1), nil for any other packet.
    public static func keyframeSize(inPayload payload: UnsafeRawBufferPointer) -> FrameSize? {
        // Most packets do not start a frame: the S bit (0x10) of the descriptor's first byte settles it cheaply.
        guard let first = payload.first, first & 0x10 != 0, let (descriptor, size) = try? VP8PayloadDescriptor.parse(payload),
              descriptor.startOfPartition, descriptor.partitionIndex == 0, descriptor.isKeyframe,
              size >= 0, size <= payload.count - 10,
              payload[size + 3] == 0x9D, payload[size + 4] == 0x01, payload[size + 5] == 0x2A
        else { return nil }
        let width = UInt16(payload[size + 6]) | UInt16(payload[size + 7]) << 8
        let height = UInt16(payload[size + 8]) | UInt16(payload[size + 9]) << 8
        return FrameSize(width: width & 0x3FFF, height: height & 0x3FFF)
    }

    /// The RFC 8285 §4.2 one-byte extension block for `elements` (0xBEDE,
    /// length in words, elements, zero padding to a word), or [] for none.
    static func extensionBlock(_ elements: [RTPHeaderExtension]) throws(LoadPeersError) -> [UInt8] {
        guard !elements.isEmpty else { return [] }
        guard elements.allSatisfy({ (1...14).contains($0.id) && (1...16).contains($0.value.count) }) else {
            throw .invalidConfiguration(name: "header extensions", value: "\(elements)")
        }
        let header = RTPHeader(payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: SSRC(0), extensions: .oneByte(elements))
        var bytes = [UInt8](repeating: 0, count: header.marshalSize)
        guard let written = try? bytes.withUnsafeMutableBytes({ try header.write(into: $0) }),
              written > RTPHeaderView.fixedHeaderSize, written <= RTPHeaderView.fixedHeaderSize + 64
        else {
            throw .invalidConfiguration(name: "header extensions", value: "\(header.marshalSize) header bytes")
        }
        return Array(bytes[RTPHeaderView.fixedHeaderSize..<written])
    }

    static func readTimestamp(_ payload: UnsafeRawBufferPointer, at offset: Int) -> UInt64? {
        guard offset >= 0, payload.count >= 8, offset <= payload.count - 8 else { return nil }
        return UInt64(bigEndian: payload.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}

/// A video frame size, as a VP8 keyframe header states it.
public struct FrameSize: Sendable, Hashable, Codable, CustomStringConvertible {
    public var width: UInt16
    public var height: UInt16

    public init(width: UInt16, height: UInt16) {
        self.width = width
        self.height = height
    }

    /// `1280x720`.
    public var description: String { "\(width)x\(height)" }
}

/// Synthetic Opus over RTP (RFC 7587): one 20 ms packet per call, a CELT
/// fullband 20 ms TOC byte (config 31, RFC 6716 §3.1), then the 8-byte send
/// time, then filler.
public struct SyntheticOpusStream: Sendable {
    public static let packetSize = 12 + 1 + 8 + 71
    public let ssrc: UInt32
    public let payloadType: UInt8
    public private(set) var sequenceNumber: UInt16
    public private(set) var rtpTimestamp: UInt32

    public init(ssrc: UInt32, payloadType: UInt8 = PublisherOffer.opusPayloadType) {
        self.ssrc = ssrc
        self.payloadType = payloadType
        self.sequenceNumber = .random(in: 0...UInt16.max)
        self.rtpTimestamp = .random(in: 0...UInt32.max)
    }

    /// Writes the next 20 ms packet; returns its length.
    public mutating func writeNext(into buffer: UnsafeMutableRawBufferPointer, sendTime: UInt64) -> Int {
        let size = Self.packetSize
        precondition(buffer.count >= size, "buffer smaller than an Opus packet")
        buffer.storeBytes(of: 0x80, toByteOffset: 0, as: UInt8.self)
        buffer.storeBytes(of: payloadType, toByteOffset: 1, as: UInt8.self)
        buffer.storeBytes(of: sequenceNumber.bigEndian, toByteOffset: 2, as: UInt16.self)
        buffer.storeBytes(of: rtpTimestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
        buffer.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
        buffer.storeBytes(of: 0xF8, toByteOffset: 12, as: UInt8.self)
        buffer.storeBytes(of: sendTime.bigEndian, toByteOffset: 13, as: UInt64.self)
        UnsafeMutableRawBufferPointer(rebasing: buffer[21..<size]).initializeMemory(as: UInt8.self, repeating: 0xA5)
        sequenceNumber &+= 1
        rtpTimestamp &+= 960
        return size
    }

    /// The send time in an Opus payload written by this type.
    public static func sendTime(inPayload payload: UnsafeRawBufferPointer) -> UInt64? {
        SyntheticVP8Stream.readTimestamp(payload, at: 1)
    }
}
