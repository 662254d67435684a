import RTP

/// One simulcast encoding of a publisher's video (RFC 8853): its rid and
/// the synthetic stream it sends (own SSRC, packet size, frame size).
public struct SimulcastLayer: Sendable, Hashable {
    /// The `a=rid` id (`q`, `h`, `f` as Chrome names them).
    public var rid: String
    /// The layer's stream. The publisher sets its header extensions
    /// (sdes:mid and rtp-stream-id) itself.
    public var video: SyntheticVP8Stream.Configuration

    public init(rid: String, video: SyntheticVP8Stream.Configuration) {
        self.rid = rid
        self.video = video
    }

    /// Bytes the publisher's header extensions take in every packet of a
    /// layer (0xBEDE header, mid and rid elements, padding).
    public static func extensionOverhead(mid: String, rid: String) -> Int {
        let elements = 2 + mid.utf8.count + rid.utf8.count
        return 4 + (elements + 3) / 4 * 4
    }

    /// Chrome's three-layer ladder for a 1280×720 camera: `q` 320×180 at
    /// 1/16 of `topKbps`, `h` 640×360 at 1/4, `f` 1280×720 at the full rate,
    /// lowest first (the order of `a=simulcast:send q;h;f`). Each frame of a
    /// layer is `ceil(bytes per frame / maxPacketSize)` packets of equal size,
    /// so every layer keeps the frame rate and its share of the bitrate.
    public static func chromeLadder(
        topKbps: Int, frameRate: Int, keyframeInterval: Int, maxPacketSize: Int,
        payloadType: UInt8 = PublisherOffer.vp8PayloadType
    ) throws(LoadPeersError) -> [SimulcastLayer] {
        guard topKbps >= 1, frameRate >= 1, keyframeInterval >= 1,
              (SyntheticVP8Stream.minimumPacketSize...SyntheticVP8Stream.maximumPacketSize).contains(maxPacketSize)
        else {
            throw .invalidConfiguration(name: "simulcast ladder", value: "\(topKbps) kbps, \(frameRate) fps, \(maxPacketSize) B")
        }
        let ladder: [(rid: String, divisor: Int, width: UInt16, height: UInt16)] = [
            ("q", 16, 320, 180), ("h", 4, 640, 360), ("f", 1, 1280, 720),
        ]
        return ladder.map { step in
            let minimum = SyntheticVP8Stream.minimumPacketSize + extensionOverhead(mid: "0", rid: step.rid)
            let bytesPerFrame = max(1, topKbps * 1000 / 8 / frameRate / step.divisor)
            let packets = max(1, (bytesPerFrame + maxPacketSize - 1) / maxPacketSize)
            var video = SyntheticVP8Stream.Configuration()
            video.packetSize = min(max(minimum, bytesPerFrame / packets), SyntheticVP8Stream.maximumPacketSize)
            video.packetsPerFrame = packets
            video.frameRate = frameRate
            video.keyframeInterval = keyframeInterval
            video.payloadType = payloadType
            video.width = step.width
            video.height = step.height
            return SimulcastLayer(rid: step.rid, video: video)
        }
    }

    /// Nominal bitrate of the layer, bits per second (packet size × packets per frame × frame rate × 8).
    public var bitsPerSecond: Int {
        video.packetSize * video.packetsPerFrame * video.frameRate * 8
    }
}
