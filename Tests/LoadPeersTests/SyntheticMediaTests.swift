import LoadPeers
import RTP
import Testing

@Suite("Synthetic VP8 and Opus packets")
struct SyntheticMediaTests {
    private func makeStream(packetsPerFrame: Int = 3, keyframeInterval: Int = 2, size: Int = 200) throws -> SyntheticVP8Stream {
        var configuration = SyntheticVP8Stream.Configuration()
        configuration.packetSize = size
        configuration.packetsPerFrame = packetsPerFrame
        configuration.keyframeInterval = keyframeInterval
        configuration.frameRate = 30
        return try SyntheticVP8Stream(configuration: configuration, ssrc: 0xCAFE_BABE, initialSequence: 65534, initialTimestamp: 1000)
    }

    @Test("headers, VP8 descriptors, frame markers, keyframes and the embedded send time")
    func vp8Packets() throws {
        var stream = try makeStream()
        var buffer = [UInt8](repeating: 0, count: 1400)
        // (sequence, marker, S bit, keyframe, RTP timestamp) for 9 packets = 3 frames of 3;
        // keyframe every 2 frames → frames 0 and 2; sequence wraps after 65535.
        let expected: [(UInt16, Bool, Bool, Bool, UInt32)] = [
            (65534, false, true, true, 1000), (65535, false, false, false, 1000), (0, true, false, false, 1000),
            (1, false, true, false, 4000), (2, false, false, false, 4000), (3, true, false, false, 4000),
            (4, false, true, true, 7000), (5, false, false, false, 7000), (6, true, false, false, 7000),
        ]
        for (index, row) in expected.enumerated() {
            let sendTime = UInt64(1_000_000_000 + index)
            let (length, keyframe) = buffer.withUnsafeMutableBytes { stream.writeNext(into: $0, sendTime: sendTime) }
            #expect(length == 200)
            #expect(keyframe == row.3)
            try buffer.withUnsafeBytes { raw in
                let packet = UnsafeRawBufferPointer(rebasing: raw[0..<length])
                let header = try RTPHeaderView(parsing: packet)
                #expect(header.sequenceNumber == row.0)
                #expect(header.marker == row.1)
                #expect(header.timestamp == row.4)
                #expect(header.ssrc == SSRC(0xCAFE_BABE))
                #expect(header.payloadType == 96)
                let payload = header.payload(in: packet)
                let descriptor = try VP8PayloadDescriptor(parsing: payload)
                #expect(descriptor.startOfPartition == row.2)
                #expect(descriptor.isKeyframe == row.3)
                #expect(descriptor.pictureID == UInt16(index / 3))
                #expect(SyntheticVP8Stream.sendTime(inPayload: payload) == sendTime)
            }
        }
        #expect(stream.frames == 3)
        #expect(stream.keyframes == 2)
    }

    @Test("a keyframe request makes the next frame a keyframe")
    func keyframeOnRequest() throws {
        var stream = try makeStream(packetsPerFrame: 1, keyframeInterval: 1000)
        var buffer = [UInt8](repeating: 0, count: 1400)
        let first = buffer.withUnsafeMutableBytes { stream.writeNext(into: $0, sendTime: 1).keyframe }
        let second = buffer.withUnsafeMutableBytes { stream.writeNext(into: $0, sendTime: 2).keyframe }
        stream.requestKeyframe()
        let third = buffer.withUnsafeMutableBytes { stream.writeNext(into: $0, sendTime: 3).keyframe }
        #expect([first, second, third] == [true, false, true])
    }

    @Test("packet sizes outside 34...1400 are refused", arguments: [0, 33, 1401])
    func invalidSize(size: Int) {
        #expect(throws: LoadPeersError.self) { try makeStream(size: size) }
    }

    @Test("a simulcast layer's packets carry sdes:mid and rtp-stream-id, then the VP8 payload")
    func layerPackets() throws {
        var configuration = SyntheticVP8Stream.Configuration()
        configuration.packetSize = 120
        configuration.packetsPerFrame = 2
        configuration.keyframeInterval = 1000
        configuration.width = 320
        configuration.height = 180
        configuration.headerExtensions = [
            RTPHeaderExtension(id: 4, value: Array("0".utf8)), RTPHeaderExtension(id: 10, value: Array("q".utf8)),
        ]
        var stream = try SyntheticVP8Stream(configuration: configuration, ssrc: 0x0102_0304, initialSequence: 10, initialTimestamp: 0)
        var buffer = [UInt8](repeating: 0, count: 1400)
        for index in 0..<4 {
            let (length, keyframe) = buffer.withUnsafeMutableBytes { stream.writeNext(into: $0, sendTime: 500 + UInt64(index)) }
            #expect(length == 120)
            #expect(keyframe == (index == 0))
            // V=2, X=1 (0x90); after the 12-byte header the RFC 8285 one-byte block:
            // 0xBEDE, length 1 word, (id 4, len 1) "0" = 0x40 0x30, (id 10, len 1) "q" = 0xA0 0x71.
            #expect(buffer[0] == 0x90)
            #expect(Array(buffer[12..<20]) == [0xBE, 0xDE, 0x00, 0x01, 0x40, 0x30, 0xA0, 0x71])
            try buffer.withUnsafeBytes { raw in
                let packet = UnsafeRawBufferPointer(rebasing: raw[0..<length])
                let header = try RTPHeaderView(parsing: packet)
                #expect(header.mid(id: 4, in: packet) == "0")
                #expect(header.rtpStreamID(id: 10, in: packet) == "q")
                #expect(header.sequenceNumber == 10 + UInt16(index))
                #expect(header.marker == (index % 2 == 1))
                let payload = header.payload(in: packet)
                #expect(payload.count == 120 - 20)
                #expect(try VP8PayloadDescriptor(parsing: payload).isKeyframe == (index == 0))
                #expect(SyntheticVP8Stream.sendTime(inPayload: payload) == 500 + UInt64(index))
                // Only a keyframe's first packet states the frame size.
                let expected = index == 0 ? FrameSize(width: 320, height: 180) : nil
                #expect(SyntheticVP8Stream.keyframeSize(inPayload: payload) == expected)
            }
        }
    }

    @Test("header extensions outside the one-byte form, or too big for the packet, are refused",
          arguments: [
            ([RTPHeaderExtension(id: 15, value: [1])], 200),        // id 15 is reserved (RFC 8285 §4.2)
            ([RTPHeaderExtension(id: 0, value: [1])], 200),         // id 0 is padding
            ([RTPHeaderExtension(id: 3, value: [])], 200),          // one-byte values are 1...16 bytes
            ([RTPHeaderExtension(id: 3, value: [UInt8](repeating: 7, count: 17))], 200),
            ([RTPHeaderExtension(id: 3, value: [1])], 34),          // 34 + 8 extension bytes > 34
          ])
    func invalidExtensions(elements: [RTPHeaderExtension], size: Int) {
        var configuration = SyntheticVP8Stream.Configuration()
        configuration.packetSize = size
        configuration.headerExtensions = elements
        #expect(throws: LoadPeersError.self) { try SyntheticVP8Stream(configuration: configuration, ssrc: 1) }
    }

    @Test("short or malformed payloads have no send time")
    func malformedPayloads() {
        // [0x90] descriptor says extension follows but the payload ends; [0x10, ...] too short for 8 bytes.
        for bytes: [UInt8] in [[], [0x80], [0x10, 0x01, 0x02], [0x00, 1, 2, 3, 4, 5, 6]] {
            #expect(bytes.withUnsafeBytes { SyntheticVP8Stream.sendTime(inPayload: $0) } == nil)
        }
    }

    @Test("Opus packets advance 960 ticks and carry the send time after the TOC byte")
    func opusPackets() throws {
        var stream = SyntheticOpusStream(ssrc: 7)
        var buffer = [UInt8](repeating: 0, count: 200)
        var timestamps: [UInt32] = []
        for sendTime: UInt64 in [10, 20] {
            let length = buffer.withUnsafeMutableBytes { stream.writeNext(into: $0, sendTime: sendTime) }
            #expect(length == SyntheticOpusStream.packetSize)
            try buffer.withUnsafeBytes { raw in
                let packet = UnsafeRawBufferPointer(rebasing: raw[0..<length])
                let header = try RTPHeaderView(parsing: packet)
                timestamps.append(header.timestamp)
                #expect(header.payloadType == 111)
                #expect(SyntheticOpusStream.sendTime(inPayload: header.payload(in: packet)) == sendTime)
            }
        }
        #expect(timestamps[1] &- timestamps[0] == 960)
    }
}
