import RTP
import Testing
@testable import SFU

/// Stands in for a trunk sink: records what the producer relays.
private final class RecordingRelay: RelaySink {
    var layerMask: UInt8
    var relayed: [(layer: Int, sequenceNumber: UInt16, bytes: [UInt8], hop: UInt8, origin: UInt64)] = []
    var senderReports: [(layer: Int, ssrc: UInt32, ntp: UInt64, rtp: UInt32)] = []
    init(mask: UInt8) { layerMask = mask }
    func relay(layer: Int, packet: UnsafeRawBufferPointer, info: IncomingRTP, nowNanoseconds: UInt64) {
        relayed.append((layer, info.sequenceNumber, Array(packet), info.hopCount, info.originSendTime))
    }
    func relaySenderReport(layer: Int, ssrc: UInt32, ntpTime: UInt64, rtpTime: UInt32) {
        senderReports.append((layer, ssrc, ntpTime, rtpTime))
    }
}

private final class NullSink: MediaSink {
    var count = 0
    func sendRTP(_ packet: UnsafeRawBufferPointer, header: RTPHeaderView, rewrite: RTPRewrite) { count += 1 }
}

private final class RecordingFeedback: PublisherFeedback {
    var nacks: [(UInt32, [UInt16])] = []
    func requestKeyframe(mediaSSRC: UInt32) {}
    func requestRetransmission(mediaSSRC: UInt32, sequenceNumbers: [UInt16]) { nacks.append((mediaSSRC, sequenceNumbers)) }
}

/// RTP: V=2, PT 96, sequence, timestamp 0, SSRC, one payload byte.
private func rtp(ssrc: UInt32, seq: UInt16) -> [UInt8] {
    [0x80, 96, UInt8(seq >> 8), UInt8(seq & 0xFF), 0, 0, 0, 0,
     UInt8(ssrc >> 24), UInt8(ssrc >> 16 & 0xFF), UInt8(ssrc >> 8 & 0xFF), UInt8(ssrc & 0xFF), 0x42]
}

private func deliver(_ producer: Producer, layer: Int, ssrc: UInt32, seq: UInt16, hop: UInt8 = 0, origin: UInt64 = 0) {
    let bytes = rtp(ssrc: ssrc, seq: seq)
    bytes.withUnsafeBytes { raw in
        guard let header = try? RTPHeaderView(parsing: raw) else { Issue.record("bad test packet"); return }
        var info = IncomingRTP(
            ssrc: ssrc, sequenceNumber: seq, timestamp: 0, payloadType: 96, marker: false, isKeyframe: true, header: header)
        info.hopCount = hop
        info.originSendTime = origin
        producer.receive(layer: layer, packet: raw, info: info, nowNanoseconds: 1_000)
    }
}

private func simulcastProducer() -> Producer {
    Producer(
        id: TrackID("TR_relay"), participant: ParticipantID("pub"), kind: .video, mid: "0", codec: "VP8",
        payloadType: 96, clockRate: 90_000, formatParameters: nil, rids: ["q", "h", "f"], ssrcs: [])
}

@Suite struct RelaySinkTests {
    @Test func aPublishersSenderReportsGoToTheSinksOfTheirLayer() throws {
        let producer = simulcastProducer()
        let sink = RecordingRelay(mask: 0b010)
        producer.addRelaySink(sink)
        producer.bindLayer(index: 0, ssrc: 10)
        producer.bindLayer(index: 1, ssrc: 11)
        producer.senderReportReceived(ssrc: 10, ntpTime: 1 << 40, rtpTime: 500, nowNanoseconds: 1_000)  // layer 0: not wanted
        producer.senderReportReceived(ssrc: 11, ntpTime: 2 << 40, rtpTime: 900, nowNanoseconds: 2_000)
        producer.senderReportReceived(ssrc: 99, ntpTime: 3 << 40, rtpTime: 1, nowNanoseconds: 3_000)  // no such layer
        #expect(sink.senderReports.map(\.layer) == [1])
        #expect(sink.senderReports.first?.ssrc == 11)
        #expect(sink.senderReports.first?.ntp == 2 << 40)
        #expect(sink.senderReports.first?.rtp == 900)
        // On the downstream node the relayed producer takes the report by layer and keeps the clock.
        let relayed = simulcastProducer()
        relayed.senderReportReceived(layer: 1, ntpTime: 2 << 40, rtpTime: 900, nowNanoseconds: 5_000_000)
        let clock = try #require(relayed.sourceRTPTime(layer: 1, nowNanoseconds: 15_000_000))
        #expect(clock == 1800, "900 and 10 ms at 90 kHz")
        #expect(relayed.sourceRTPTime(layer: 0, nowNanoseconds: 15_000_000) == nil)
    }

    @Test func aRelaySinkGetsEachPacketOfItsLayersOnceUnchanged() {
        let producer = simulcastProducer()
        let sink = RecordingRelay(mask: 0b101)
        producer.addRelaySink(sink)
        producer.addRelaySink(sink)  // one sink per downstream node, however often it subscribes
        for (layer, ssrc) in [(0, UInt32(10)), (1, 11), (2, 12)] {
            producer.bindLayer(index: layer, ssrc: ssrc)
            deliver(producer, layer: layer, ssrc: ssrc, seq: UInt16(100 + layer), hop: 1, origin: 77)
        }
        #expect(sink.relayed.map(\.layer) == [0, 2])
        #expect(sink.relayed.map(\.sequenceNumber) == [100, 102])
        #expect(sink.relayed[1].bytes == rtp(ssrc: 12, seq: 102), "relayed as received: no rewriting")
        #expect(sink.relayed.allSatisfy { $0.hop == 1 && $0.origin == 77 }, "hop count and origin time travel with it")
        sink.layerMask = 0b010
        deliver(producer, layer: 1, ssrc: 11, seq: 200)
        #expect(sink.relayed.map(\.layer) == [0, 2, 1])
        producer.removeRelaySink(sink)
        deliver(producer, layer: 1, ssrc: 11, seq: 201)
        #expect(sink.relayed.count == 3)
    }

    @Test func closingTheProducerDetachesItsRelaySinks() {
        let producer = simulcastProducer()
        let room = Room(name: RoomName("r"))
        room.add(producer)
        producer.addRelaySink(RecordingRelay(mask: 1))
        room.removeProducer(producer.id)
        #expect(producer.relaySinks.isEmpty)
    }

    /// (preferred quality of each consumer, relay sink masks, layers pulled)
    /// while no layer is live yet: a consumer pulls its preferred layer and
    /// every one below it (the best live one wins), layer 0 always.
    static let maskCases: [([Quality], [UInt8], UInt8)] = [
        ([.low], [], 0b001),
        ([.high], [], 0b111),
        ([.low, .medium], [], 0b011),
        ([], [0b010], 0b010),
        ([.medium], [0b100], 0b111),
        ([], [], 0),
    ]

    @Test(arguments: maskCases)
    func theNeededLayerMaskIsWhatConsumersAndSinksWant(qualities: [Quality], sinkMasks: [UInt8], expected: UInt8) {
        let producer = simulcastProducer()
        let room = Room(name: RoomName("r"))
        room.add(producer)
        for (i, quality) in qualities.enumerated() {
            room.add(
                Consumer(
                    id: "c\(i)", subscriber: ParticipantID("s\(i)"), producer: producer, sink: NullSink(),
                    ssrc: UInt32(i + 1), quality: quality, initialSequence: 0, initialTimestamp: 0),
                nowNanoseconds: 0)
        }
        let sinks = sinkMasks.map { RecordingRelay(mask: $0) }
        for sink in sinks { producer.addRelaySink(sink) }
        #expect(producer.neededLayerMask == expected)
    }

    @Test func aLivePreferredLayerNarrowsTheMask() {
        let producer = simulcastProducer()
        let room = Room(name: RoomName("r"))
        room.add(producer)
        let consumer = Consumer(
            id: "c", subscriber: ParticipantID("s"), producer: producer, sink: NullSink(), ssrc: 1, quality: .high,
            initialSequence: 0, initialTimestamp: 0)
        room.add(consumer, nowNanoseconds: 0)
        #expect(producer.neededLayerMask == 0b111, "nothing live yet: every layer up to the preferred one")
        producer.bindLayer(index: 1, ssrc: 11)
        deliver(producer, layer: 1, ssrc: 11, seq: 1)
        #expect(producer.neededLayerMask == 0b111, "the origin sends h but not f: h is the best live layer")
        producer.bindLayer(index: 2, ssrc: 12)
        deliver(producer, layer: 2, ssrc: 12, seq: 1)
        producer.refreshActivity(nowNanoseconds: 1_000 + 2_000_000_000)
        deliver(producer, layer: 2, ssrc: 12, seq: 2)
        let expected: UInt8 = 0b001 | 0b100 | (consumer.currentLayer == 1 ? 0b010 : 0)
        #expect(producer.neededLayerMask == expected, "f is live: h is no longer pulled (once not forwarded)")
    }

    @Test func aSingleLayerTrackNeedsOnlyLayerZero() {
        let producer = Producer(
            id: TrackID("TR_a"), participant: ParticipantID("pub"), kind: .audio, mid: "1", codec: "opus",
            payloadType: 111, clockRate: 48_000, formatParameters: nil, rids: [], ssrcs: [5])
        producer.addRelaySink(RecordingRelay(mask: 0xFF))
        #expect(producer.neededLayerMask == 0b1)
    }

    @Test func nacksTheRelayCacheLacksAreReportedAsMissing() {
        let producer = Producer(
            id: TrackID("TR_v"), participant: ParticipantID("pub"), kind: .video, mid: "0", codec: "VP8",
            payloadType: 96, clockRate: 90_000, formatParameters: nil, rids: [], ssrcs: [])
        let feedback = RecordingFeedback()
        producer.feedback = feedback
        producer.bindLayer(index: 0, ssrc: 33)
        let sink = NullSink()
        let consumer = Consumer(
            id: "c", subscriber: ParticipantID("s"), producer: producer, sink: sink, ssrc: 9, quality: .high,
            initialSequence: 500, initialTimestamp: 0)
        consumer.isReady = true
        let room = Room(name: RoomName("r"))
        room.add(producer)
        room.add(consumer, nowNanoseconds: 0)
        deliver(producer, layer: 0, ssrc: 33, seq: 10)
        deliver(producer, layer: 0, ssrc: 33, seq: 12)  // 11 never arrived at this node
        #expect(sink.count == 2)
        var missing: [UInt16] = []
        // Output 500 is source 10 (cached); output 501 is source 11 (missing).
        let resent = consumer.retransmit(sequenceNumbers: [500, 501], nowNanoseconds: 2_000, missing: &missing)
        #expect(resent == 1)
        #expect(missing == [11])
    }

    @Test(arguments: [
        ("room-1/TR_abc", "room-1", "TR_abc"),
        ("a/b", "a", "b"),
    ])
    func relayTrackNamesRoundTrip(name: String, room: String, track: String) {
        let parsed = RelayTrackName.parse(name)
        #expect(parsed?.room == RoomName(room) && parsed?.track == TrackID(track))
        #expect(RelayTrackName.make(room: RoomName(room), track: TrackID(track)) == name)
    }

    @Test(arguments: ["", "/", "room", "room/", "/track", "room/track/more"])
    func malformedRelayTrackNamesAreRejected(name: String) {
        #expect(RelayTrackName.parse(name) == nil)
    }
}
