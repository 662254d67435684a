import RTP
import Testing
@testable import SFU

/// Collects what a consumer sends (stands in for a subscriber transport).
private final class RecordingSink: MediaSink {
    var sent: [(ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32, payload: [UInt8])] = []

    func sendRTP(_ packet: UnsafeRawBufferPointer, header: RTPHeaderView, rewrite: RTPRewrite) {
        sent.append((rewrite.ssrc.rawValue, rewrite.sequenceNumber, rewrite.timestamp, Array(header.payload(in: packet))))
    }
}

/// Records keyframe and retransmission requests (stands in for a publisher transport).
private final class RecordingFeedback: PublisherFeedback {
    var keyframeRequests: [UInt32] = []
    var nacks: [(UInt32, [UInt16])] = []
    func requestKeyframe(mediaSSRC: UInt32) { keyframeRequests.append(mediaSSRC) }
    func requestRetransmission(mediaSSRC: UInt32, sequenceNumbers: [UInt16]) { nacks.append((mediaSSRC, sequenceNumbers)) }
}

private func packet(ssrc: UInt32, seq: UInt16, ts: UInt32, payload: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0x80, 96, UInt8(seq >> 8), UInt8(seq & 0xFF)]
    bytes += [UInt8(ts >> 24), UInt8(ts >> 16 & 0xFF), UInt8(ts >> 8 & 0xFF), UInt8(ts & 0xFF)]
    bytes += [UInt8(ssrc >> 24), UInt8(ssrc >> 16 & 0xFF), UInt8(ssrc >> 8 & 0xFF), UInt8(ssrc & 0xFF)]
    return bytes + payload
}

private func deliver(_ producer: Producer, layer: Int, ssrc: UInt32, seq: UInt16, ts: UInt32, keyframe: Bool, now: UInt64) {
    let bytes = packet(ssrc: ssrc, seq: seq, ts: ts, payload: [UInt8(seq & 0xFF)])
    bytes.withUnsafeBytes { raw in
        guard let header = try? RTPHeaderView(parsing: raw) else { Issue.record("bad test packet"); return }
        let info = IncomingRTP(
            ssrc: ssrc, sequenceNumber: seq, timestamp: ts, payloadType: 96, marker: false,
            isKeyframe: keyframe, header: header)
        producer.receive(layer: layer, packet: raw, info: info, nowNanoseconds: now)
    }
}

@Suite struct FanOutTests {
    private func videoProducer(rids: [String] = [], ssrcs: [UInt32] = [1000]) -> (Producer, RecordingFeedback) {
        let producer = Producer(
            id: TrackID("TR_test"), participant: ParticipantID("pub"), kind: .video, mid: "0", codec: "VP8",
            payloadType: 96, clockRate: 90_000, formatParameters: nil, rids: rids, ssrcs: ssrcs)
        let feedback = RecordingFeedback()
        producer.feedback = feedback
        return (producer, feedback)
    }

    @Test func everyConsumerGetsItsOwnContinuousStream() {
        let (producer, feedback) = videoProducer()
        let room = Room(name: RoomName("r"))
        room.add(producer)
        let sinks = [RecordingSink(), RecordingSink()]
        for (i, sink) in sinks.enumerated() {
            let consumer = Consumer(
                id: "c\(i)", subscriber: ParticipantID("s\(i)"), producer: producer, sink: sink,
                ssrc: UInt32(50 + i), quality: .high, initialSequence: UInt16(100 * (i + 1)), initialTimestamp: 7)
            consumer.isReady = true
            room.add(consumer, nowNanoseconds: 0)
        }
        #expect(feedback.keyframeRequests == [1000], "a starting consumer asks for a keyframe (merged for both)")
        for seq: UInt16 in 65_534...65_535 { deliver(producer, layer: 0, ssrc: 1000, seq: seq, ts: 3000, keyframe: false, now: 1) }
        deliver(producer, layer: 0, ssrc: 1000, seq: 0, ts: 6000, keyframe: false, now: 2)
        #expect(sinks[0].sent.map(\.sequenceNumber) == [100, 101, 102])
        #expect(sinks[1].sent.map(\.sequenceNumber) == [200, 201, 202])
        #expect(sinks[0].sent.map(\.timestamp) == [7, 7, 3007])
        #expect(sinks[1].sent.allSatisfy { $0.ssrc == 51 })
    }

    @Test func senderReportsCarryThePublishersClockInTheConsumersTimestampSpace() throws {
        let (producer, _) = videoProducer()
        let room = Room(name: RoomName("r"))
        room.add(producer)
        let sink = RecordingSink()  // the consumer holds its sink weakly
        let consumer = Consumer(
            id: "c", subscriber: ParticipantID("s"), producer: producer, sink: sink, ssrc: 9, quality: .high,
            initialSequence: 0, initialTimestamp: 7)
        consumer.isReady = true
        room.add(consumer, nowNanoseconds: 0)
        deliver(producer, layer: 0, ssrc: 1000, seq: 1, ts: 3000, keyframe: true, now: 1_000_000)  // source 3000 → output 7
        #expect(sink.sent.map(\.timestamp) == [7])
        func reportedRTPTime(at now: UInt64) throws -> UInt32 {
            try #require(consumer.makeSenderReport(nowNanoseconds: now, ntpTime: 1)).rtpTime
        }
        // No report from the publisher yet: extrapolated from the last packet sent (100 ms at 90 kHz).
        #expect(try reportedRTPTime(at: 101_000_000) == 7 + 9000)
        // The publisher says its RTP clock read 5000 when this report arrived; 50 ms later it reads 9500,
        // which is 9500 - 3000 + 7 in the consumer's space.
        producer.senderReportReceived(ssrc: 1000, ntpTime: 0, rtpTime: 5000, nowNanoseconds: 2_000_000)
        #expect(try reportedRTPTime(at: 52_000_000) == 9500 - 3000 + 7)
        // A report from another SSRC changes nothing.
        producer.senderReportReceived(ssrc: 4242, ntpTime: 0, rtpTime: 1, nowNanoseconds: 3_000_000)
        #expect(try reportedRTPTime(at: 52_000_000) == 9500 - 3000 + 7)
        // Past its lifetime the report no longer counts: back to the last packet sent.
        let late = 2_000_000 + Producer.senderClockLifetimeNanoseconds + 1_000
        let elapsedTicks = UInt32((late - 1_000_000) / 1_000 * 90_000 / 1_000_000)
        #expect(try reportedRTPTime(at: late) == 7 &+ elapsedTicks)
    }

    @Test func nackIsAnsweredFromTheCacheWithTheConsumersNumbers() {
        let (producer, _) = videoProducer()
        let room = Room(name: RoomName("r"))
        room.add(producer)
        let sink = RecordingSink()
        let consumer = Consumer(
            id: "c", subscriber: ParticipantID("s"), producer: producer, sink: sink, ssrc: 9, quality: .high,
            initialSequence: 500, initialTimestamp: 0)
        consumer.isReady = true
        room.add(consumer, nowNanoseconds: 0)
        for seq: UInt16 in 10...14 { deliver(producer, layer: 0, ssrc: 1000, seq: seq, ts: 0, keyframe: false, now: 1) }
        sink.sent.removeAll()
        let resent = consumer.retransmit(sequenceNumbers: [502, 499, 9999], nowNanoseconds: 2)
        #expect(resent == 1)
        #expect(sink.sent.map(\.sequenceNumber) == [502])
        #expect(sink.sent.first?.payload == [12], "output 502 is source packet 12")
    }

    @Test func simulcastSwitchesOnlyAtKeyframesAndStaysContinuous() {
        let (producer, feedback) = videoProducer(rids: ["q", "h"], ssrcs: [])
        let room = Room(name: RoomName("r"))
        room.add(producer)
        #expect(producer.bindLayer(rid: "q", ssrc: 10) == 0)
        #expect(producer.bindLayer(rid: "h", ssrc: 20) == 1)
        let sink = RecordingSink()
        let consumer = Consumer(
            id: "c", subscriber: ParticipantID("s"), producer: producer, sink: sink, ssrc: 9, quality: .high,
            initialSequence: 0, initialTimestamp: 0)
        consumer.isReady = true
        room.add(consumer, nowNanoseconds: 0)
        // Only the low layer is live at first: it starts there.
        deliver(producer, layer: 0, ssrc: 10, seq: 1, ts: 0, keyframe: true, now: 1)
        #expect(sink.sent.map(\.payload) == [[1]])
        // The high layer appears: it becomes the target, reached at its keyframe.
        deliver(producer, layer: 1, ssrc: 20, seq: 500, ts: 0, keyframe: false, now: 1)
        #expect(feedback.keyframeRequests.contains(20))
        deliver(producer, layer: 1, ssrc: 20, seq: 501, ts: 3000, keyframe: true, now: 2)
        deliver(producer, layer: 0, ssrc: 10, seq: 2, ts: 3000, keyframe: false, now: 2)
        deliver(producer, layer: 1, ssrc: 20, seq: 502, ts: 6000, keyframe: false, now: 3)
        #expect(sink.sent.map(\.payload) == [[1], [245], [246]], "then only the high layer, from its keyframe")
        // Ask for low: the high layer flows until the low layer's keyframe.
        consumer.setQuality(.low, nowNanoseconds: 4)
        #expect(feedback.keyframeRequests.contains(10))
        deliver(producer, layer: 0, ssrc: 10, seq: 3, ts: 9000, keyframe: false, now: 5)
        deliver(producer, layer: 1, ssrc: 20, seq: 503, ts: 9000, keyframe: false, now: 5)
        deliver(producer, layer: 0, ssrc: 10, seq: 4, ts: 12000, keyframe: true, now: 6)
        deliver(producer, layer: 1, ssrc: 20, seq: 504, ts: 12000, keyframe: false, now: 6)
        #expect(sink.sent.map(\.payload) == [[1], [245], [246], [247], [4]])
        #expect(sink.sent.map(\.sequenceNumber) == [0, 1, 2, 3, 4], "no gap across the switches")
    }

    @Test func lossOnThePublisherPathIsNacked() {
        let (producer, feedback) = videoProducer()
        for seq: UInt16 in [1, 2, 5] { deliver(producer, layer: 0, ssrc: 1000, seq: seq, ts: 0, keyframe: false, now: 0) }
        #expect(producer.requestMissingPackets(nowNanoseconds: 0) == 2)
        #expect(feedback.nacks.first?.0 == 1000)
        #expect(feedback.nacks.first?.1 == [3, 4])
    }
}
