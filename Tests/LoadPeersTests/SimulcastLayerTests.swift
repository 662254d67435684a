import LoadPeers
import RTP
import Testing

@Suite("Simulcast ladder and per-layer RTCP feedback")
struct SimulcastLayerTests {
    /// (top kbps, max packet size) → per layer (rid, packet size, packets per frame, width) at 30 fps.
    /// q gets 1/16 of the bytes per frame, h 1/4, f all; frames larger than
    /// a packet are split into equal packets.
    @Test("Chrome's q/h/f ladder splits the bitrate 1/16, 1/4, 1", arguments: [
        // 1200 kbps: 5000 B/frame → f 5 × 1000; h 1250 → 2 × 625; q 312 → 1 × 312.
        (1200, 1200, [("q", 312, 1, 320), ("h", 625, 2, 640), ("f", 1000, 5, 1280)]),
        // 600 kbps: 2500 B/frame → f 3 × 833; h 625 → 1 × 625; q 156 → 1 × 156.
        (600, 1200, [("q", 156, 1, 320), ("h", 625, 1, 640), ("f", 833, 3, 1280)]),
        // 60 kbps: q would be 15 B, raised to the 34 + 8-byte minimum.
        (60, 1200, [("q", 42, 1, 320), ("h", 62, 1, 640), ("f", 250, 1, 1280)]),
    ])
    func chromeLadder(topKbps: Int, maxPacketSize: Int, expected: [(String, Int, Int, UInt16)]) throws {
        let layers = try SimulcastLayer.chromeLadder(
            topKbps: topKbps, frameRate: 30, keyframeInterval: 90, maxPacketSize: maxPacketSize)
        #expect(layers.map(\.rid) == expected.map(\.0))
        #expect(layers.map(\.video.packetSize) == expected.map(\.1))
        #expect(layers.map(\.video.packetsPerFrame) == expected.map(\.2))
        #expect(layers.map(\.video.width) == expected.map(\.3))
        #expect(layers.map(\.video.height) == expected.map { $0.3 * 9 / 16 })
        #expect(layers.allSatisfy { $0.video.frameRate == 30 && $0.video.keyframeInterval == 90 })
        #expect(SimulcastLayer.extensionOverhead(mid: "0", rid: "q") == 8)
    }

    @Test("the ladder's nominal rates are within 2 % of 1/16, 1/4 and 1 of the top rate")
    func ladderRates() throws {
        let layers = try SimulcastLayer.chromeLadder(topKbps: 2400, frameRate: 30, keyframeInterval: 90, maxPacketSize: 1200)
        for (layer, share) in zip(layers, [1.0 / 16, 1.0 / 4, 1.0]) {
            let ratio = Double(layer.bitsPerSecond) / (2_400_000 * share)
            #expect(abs(ratio - 1) < 0.02, "\(layer.rid): \(layer.bitsPerSecond) b/s")
        }
    }

    @Test("a ladder with impossible parameters is refused", arguments: [(0, 30, 1200), (600, 0, 1200), (600, 30, 20), (600, 30, 1500)])
    func invalidLadder(topKbps: Int, frameRate: Int, maxPacketSize: Int) {
        #expect(throws: LoadPeersError.self) {
            try SimulcastLayer.chromeLadder(topKbps: topKbps, frameRate: frameRate, keyframeInterval: 1, maxPacketSize: maxPacketSize)
        }
    }

    @Test("PLI, FIR and NACK are resolved to the layer whose SSRC they name; other SSRCs are ignored")
    func feedbackPerLayer() throws {
        let feedback = PublisherFeedback(ssrcs: [0x1111, 0x2222, 0x3333])
        let sender = SSRC(0xAAAA)
        // One compound: PLI for h, FIR for f and an unknown SSRC, NACK of q's 100 and 102
        // (PID 100, BLP bit 1), PLI for an unknown SSRC, REMB 1,000,000 = 15625 × 2^6.
        let packets: [any RTCPPacketCodable] = [
            PictureLossIndication(senderSSRC: sender, mediaSSRC: SSRC(0x2222)),
            FullIntraRequest(senderSSRC: sender, entries: [
                FIREntry(ssrc: SSRC(0x3333), sequenceNumber: 1), FIREntry(ssrc: SSRC(0x9999), sequenceNumber: 1),
            ]),
            GenericNACK(senderSSRC: sender, mediaSSRC: SSRC(0x1111), lost: [100, 102]),
            PictureLossIndication(senderSSRC: sender, mediaSSRC: SSRC(0x9999)),
            ReceiverEstimatedMaxBitrate(senderSSRC: sender, exponent: 6, mantissa: 15625, ssrcs: [SSRC(0x3333)]),
        ]
        var compound: [UInt8] = []
        for packet in packets {
            var bytes = [UInt8](repeating: 0, count: packet.marshalSize)
            let written = try bytes.withUnsafeMutableBytes { try packet.write(into: $0) }
            compound += bytes[0..<written]
        }
        let requests = compound.withUnsafeBytes { feedback.requests(in: $0) }
        #expect(requests == [
            .pictureLoss(layer: 1), .fullIntra(layer: 2),
            .retransmit(layer: 0, sequenceNumber: 100), .retransmit(layer: 0, sequenceNumber: 102),
            .bitrate(bitsPerSecond: 1_000_000),
        ])
        // A truncated compound yields what came before the damage.
        let truncated = Array(compound[0..<(compound.count - 3)])
        #expect(truncated.withUnsafeBytes { feedback.requests(in: $0) }.count == 4)
    }
}
