import EdgeNode
import LoadPeers
import Logging
import NIOPosix
import Testing

@Suite("Fan-out through an in-process SFU node")
struct FanoutEndToEndTests {
    @Test("1 publisher (VP8 + Opus) → 3 subscribers over real ICE, DTLS and SRTP, no loss", .timeLimit(.minutes(2)))
    func onePublisherThreeSubscribers() async throws {
        try await withInProcessNode(id: "loadpeers-test") { ports, peers in
            try await SFUControlClient.with(host: "127.0.0.1", port: ports.grpc, group: peers) { control in
                var fanout = FanoutConfiguration()
                fanout.subscribers = 3
                fanout.publisher.packetRate = 300
                fanout.publisher.video.packetsPerFrame = 5
                fanout.publisher.audio = true
                fanout.peer.socketTimestamps = true
                let session = try await FanoutSession.connect(
                    control: control, group: peers, publisherLoop: peers.next(), configuration: fanout)
                #expect(session.trackIDs.count == 2)
                try await session.publisher.startSending()
                // Every subscriber gets both streams flowing.
                let flowing = try await eventually(within: 10) {
                    for subscriber in session.subscribers {
                        let stats = try await subscriber.statistics()
                        guard stats.streams.count == 2, stats.streams.values.allSatisfy({ $0.received > 0 }) else { return false }
                    }
                    return true
                }
                #expect(flowing, "media did not reach every subscriber")

                try await session.beginWindow()
                let start = try await session.publisher.statistics().videoPacketsSent
                let sent = try await eventually(within: 10) {
                    try await session.publisher.statistics().videoPacketsSent >= start + 300
                }
                #expect(sent)
                try await session.publisher.stopSending()
                // Everything in flight arrives: each subscriber has at least what was published in the window, none lost.
                var measurement = try await session.endWindow()
                _ = try await eventually(within: 5) {
                    measurement = try await session.endWindow()
                    return measurement.packetsLost == 0 && measurement.minimumPerSubscriber >= measurement.packetsPublished
                }
                #expect(measurement.subscribers == 3)
                #expect(measurement.packetsPublished >= 300)
                #expect(measurement.packetsLost == 0)
                #expect(measurement.duplicates == 0)
                #expect(measurement.outOfWindow == 0)
                #expect(measurement.minimumPerSubscriber >= measurement.packetsPublished)
                #expect(measurement.packetsReceived >= 3 * measurement.packetsPublished)
                #expect(measurement.srtpErrors == 0)
                #expect(measurement.unknownSSRC == 0)
                #expect(measurement.latency.count == measurement.packetsReceived)
                let p99 = try #require(measurement.latency.percentile(0.99))
                #expect(p99 < 100_000_000, "p99 latency \(p99) ns on loopback")
                // The kernel's arrival stamp is taken for the same packets and is never later than the read.
                #expect(measurement.socketLatency.count == measurement.latency.count)
                let socketP50 = try #require(measurement.socketLatency.percentile(0.5))
                #expect(socketP50 > 0)
                let receiveP50 = try #require(measurement.latency.percentile(0.5))
                #expect(socketP50 <= receiveP50)
                #expect(measurement.socketLatency.maximum <= measurement.latency.maximum)
                // Periodic RTCP (sent to a quarter of the participants per slow tick) reached the publisher.
                let remb = try await eventually(within: 5) { try await session.publisher.statistics().rembBitsPerSecond > 0 }
                #expect(remb, "no REMB reached the publisher")
                let stats = try await control.nodeStats()
                #expect(stats.packetsForwarded >= measurement.packetsReceived)
                #expect(stats.consumers == 6)
                await session.close(control: control)
            }
        }
    }
}
