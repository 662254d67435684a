import DTLS
import EdgeNode
import LoadPeers
import Logging
import NIOPosix
import Testing

@Suite("Simulcast publisher through an in-process SFU node")
struct SimulcastEndToEndTests {
    @Test("subscribers preferring low, medium and high get the q, h and f layers; their PLIs bring that layer's keyframe",
          .timeLimit(.minutes(2)))
    func layersByQuality() async throws {
        try await withInProcessNode(id: "loadpeers-simulcast-test") { ports, peers in
            let context = try DTLSContext(certificate: try DTLSCertificate.generate(commonName: "simulcast-test"))

            try await SFUControlClient.with(host: "127.0.0.1", port: ports.grpc, group: peers) { control in
                let room = "simulcast"
                var publishing = PublisherConfiguration()
                // 800 kbps at 30 fps: q 1 × 208 B, h 1 × 833 B, f 3 × 1111 B per frame.
                // No periodic keyframes: after the first frame, keyframes come only on request.
                publishing.simulcast = try SimulcastLayer.chromeLadder(
                    topKbps: 800, frameRate: 30, keyframeInterval: 1_000_000, maxPacketSize: 1200)
                publishing.framePacing = true
                let publisher = try await LoadPublisher.make(on: peers.next(), context: context, configuration: publishing)
                #expect(publisher.offer.simulcastRIDs == ["q", "h", "f"])
                try await control.createParticipant(room: room, participant: "pub")
                let (answer, trackIDs) = try await control.publish(room: room, participant: "pub", offerSDP: publisher.offerSDP)
                #expect(trackIDs.count == 1)
                try await publisher.connect(answerSDP: answer)
                try await publisher.startSending()

                // Subscribers join while the layers flow, so each needs a fresh keyframe of its layer.
                let wanted: [(name: String, size: FrameSize)] = [
                    ("low", FrameSize(width: 320, height: 180)),
                    ("medium", FrameSize(width: 640, height: 360)),
                    ("high", FrameSize(width: 1280, height: 720)),
                ]
                func subscribe(_ name: String) async throws {
                    switch name {
                    case "low": try await control.subscribe(room: room, participant: name, trackIDs: trackIDs, quality: .low)
                    case "medium": try await control.subscribe(room: room, participant: name, trackIDs: trackIDs, quality: .medium)
                    default: try await control.subscribe(room: room, participant: name, trackIDs: trackIDs, quality: .high)
                    }
                }
                var subscribers: [LoadSubscriber] = []
                for entry in wanted {
                    let subscriber = try await LoadSubscriber.make(on: peers.next(), context: context)
                    try await control.createParticipant(room: room, participant: entry.name)
                    try await subscribe(entry.name)
                    let offer = try await control.createSubscriberOffer(room: room, participant: entry.name)
                    let answer = try await subscriber.answer(offerSDP: offer)
                    try await control.setSubscriberAnswer(room: room, participant: entry.name, answerSDP: answer)
                    try await subscriber.connect()
                    subscribers.append(subscriber)
                }
                let layered = try await eventually(within: 15) {
                    for (subscriber, entry) in zip(subscribers, wanted) {
                        let stats = try await subscriber.statistics()
                        guard stats.videoSSRCs.count == 1, let ssrc = stats.videoSSRCs.first,
                              stats.keyframeSizes[ssrc] == entry.size
                        else { return false }
                    }
                    return true
                }
                #expect(layered, "a subscriber did not get the keyframe size of its layer")

                // Over one window the received video bitrates follow the ladder (about ×4 per step).
                for subscriber in subscribers { try await subscriber.beginWindow() }
                _ = try await eventually(within: 10) {
                    let stats = try await subscribers[0].statistics()
                    return stats.streams.values.reduce(0) { $0 + $1.received } >= 45
                }
                var bytes: [UInt64] = []
                for subscriber in subscribers {
                    let stats = try await subscriber.statistics()
                    #expect(stats.unknownSSRC == 0)
                    #expect(stats.srtpErrors == 0)
                    bytes.append(stats.streams.values.reduce(0) { $0 + $1.bytes })
                }
                #expect(bytes[0] > 0)
                #expect(bytes[0] * 2 < bytes[1], "low \(bytes[0]) B vs medium \(bytes[1]) B")
                #expect(bytes[1] * 2 < bytes[2], "medium \(bytes[1]) B vs high \(bytes[2]) B")

                let sent = try await publisher.statistics()
                #expect(sent.layers.map(\.rid) == ["q", "h", "f"])
                #expect(Set(sent.layers.map(\.ssrc)).count == 3)
                for layer in sent.layers {
                    #expect(layer.packetsSent > 0)
                    // The first frame's keyframe, then at least one asked for by the SFU.
                    #expect(layer.pliReceived + layer.firReceived >= 1, "layer \(layer.rid ?? "-") got no PLI/FIR")
                    #expect(layer.keyframesSent >= 2, "layer \(layer.rid ?? "-") sent \(layer.keyframesSent) keyframes")
                }
                #expect(sent.videoPacketsSent == sent.layers.reduce(0) { $0 + $1.packetsSent })
                await publisher.close()
                for subscriber in subscribers { await subscriber.close() }
            }
        }
    }
}
