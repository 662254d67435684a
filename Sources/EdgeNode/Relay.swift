import RTP
import SFU
import Trunk

/// A relayed track in a room (the key of a relay producer).
struct RelayKey: Hashable {
    let room: RoomName
    let track: TrackID
}

/// A trunk sink: one downstream node's subscription to one track.
struct TrunkSinkKey: Hashable {
    let peer: MeshNodeID
    /// The trunk-local id the downstream node chose.
    let trackID: UInt32
}

/// Relay state of a node: tracks it pulls (relay producers) and tracks it
/// sends to other nodes (trunk sinks). Confined to the media loop.
struct RelayTable {
    var pulls: [RelayKey: RelayPull] = [:]
    var pullsByTrunkID: [UInt32: RelayPull] = [:]
    var sinks: [TrunkSinkKey: TrunkSink] = [:]
    private var nextTrunkID = UInt32.random(in: 1...0xFFFF)

    /// Relay producers on this node.
    var count: Int { pulls.count }

    /// A trunk-local track id not in use.
    mutating func allocateTrunkID() -> UInt32 {
        repeat { nextTrunkID &+= 1 } while nextTrunkID == 0 || pullsByTrunkID[nextTrunkID] != nil
        return nextTrunkID
    }

    /// The mesh-wide name of a track in subscribe messages: `room/trackID`.
    static func meshName(room: RoomName, track: TrackID) -> String { RelayTrackName.make(room: room, track: track) }

    /// The room and track of a mesh-wide name (nil when malformed).
    static func parseMeshName(_ name: String) -> RelayKey? {
        RelayTrackName.parse(name).map { RelayKey(room: $0.room, track: $0.track) }
    }
}

/// A track this node pulls from an upstream node: the relay producer (an
/// ordinary `Producer` fed by trunk data frames) and the subscription that
/// feeds it. It is the producer's `PublisherFeedback`: keyframe requests and
/// NACKs for what its cache lacks go upstream as trunk PLI and NACK.
final class RelayPull: PublisherFeedback {
    let key: RelayKey
    let name: String
    let trunkID: UInt32
    let track: RelayedTrackDescription
    let producer: Producer
    var upstream: MeshNodeID
    /// The layer mask last sent upstream (0: nothing sent yet).
    var sentMask: UInt8 = 0
    var lastSubscribeNanoseconds: UInt64 = 0
    var packetsReceived: UInt64 = 0
    weak var engine: MediaEngine?

    init(key: RelayKey, trunkID: UInt32, track: RelayedTrackDescription, producer: Producer, upstream: MeshNodeID) {
        self.key = key
        self.name = RelayTable.meshName(room: key.room, track: key.track)
        self.trunkID = trunkID
        self.track = track
        self.producer = producer
        self.upstream = upstream
    }

    func requestKeyframe(mediaSSRC: UInt32) {
        guard let engine, let layer = producer.layerIndex(ssrc: mediaSSRC) else { return }
        engine.metrics.keyframeRequests.increment()
        engine.sendTrunkControl(
            [.pictureLossIndication(trackID: trunkID, layer: UInt8(truncatingIfNeeded: layer))], to: upstream)
        engine.trunk?.flush()
    }

    func requestRetransmission(mediaSSRC: UInt32, sequenceNumbers: [UInt16]) {
        guard let engine, let layer = producer.layerIndex(ssrc: mediaSSRC), !sequenceNumbers.isEmpty else { return }
        engine.metrics.nacksSent.increment(by: UInt64(sequenceNumbers.count))
        let entries = Self.nackEntries(sequenceNumbers)
        // A control frame stays well under the MTU: 64 entries per message.
        for start in stride(from: 0, to: entries.count, by: 64) {
            let chunk = Array(entries[start..<min(start + 64, entries.count)])
            engine.sendTrunkControl(
                [.nack(TrunkNACK(trackID: trunkID, layer: UInt8(truncatingIfNeeded: layer), entries: chunk))], to: upstream)
        }
    }

    /// RFC 4585 §6.2.1 PID/BLP entries for sequence numbers (`NACKPair.pairs`, as RTCP NACKs pack them).
    static func nackEntries(_ sequenceNumbers: [UInt16]) -> [TrunkNACKEntry] {
        NACKPair.pairs(fromLost: sequenceNumbers).map { TrunkNACKEntry(packetID: $0.packetID, lostBitmask: $0.lostBitmask) }
    }
}

/// One downstream node's subscription to a track of this node (local or
/// itself relayed): every packet of the wanted layers is sealed once into a
/// data frame for that node, however many subscribers sit behind it.
final class TrunkSink: RelaySink {
    let key: TrunkSinkKey
    let name: String
    let link: TrunkPeerLink
    var layerMask: UInt8
    weak var producer: Producer?
    weak var engine: MediaEngine?
    var lastRefreshNanoseconds: UInt64

    init(key: TrunkSinkKey, name: String, link: TrunkPeerLink, layerMask: UInt8, producer: Producer, nowNanoseconds: UInt64) {
        self.key = key
        self.name = name
        self.link = link
        self.layerMask = layerMask
        self.producer = producer
        self.lastRefreshNanoseconds = nowNanoseconds
    }

    func relay(layer: Int, packet: UnsafeRawBufferPointer, info: IncomingRTP, nowNanoseconds: UInt64) {
        guard let engine, let trunk = engine.trunk else { return }
        let now = TrunkTime.now()
        let header = TrunkDataHeader(
            trackID: key.trackID, layer: UInt8(truncatingIfNeeded: layer),
            hopCount: info.hopCount == .max ? .max : info.hopCount + 1, kind: .rtp,
            originSendTime: info.originSendTime != 0 ? info.originSendTime : now.unixMicroseconds)
        if trunk.sendData(header, payload: packet, to: link, now: now) {
            trunk.metrics.layerPackets[min(max(layer, 0), 2)].increment()
        }
    }

    /// The publisher's sender report as an RTCP data frame (kind 1, no report blocks).
    func relaySenderReport(layer: Int, ssrc: UInt32, ntpTime: UInt64, rtpTime: UInt32) {
        guard let engine, let trunk = engine.trunk else { return }
        let report = SenderReport(ssrc: SSRC(ssrc), ntpTime: ntpTime, rtpTime: rtpTime, packetCount: 0, octetCount: 0)
        var bytes = [UInt8](repeating: 0, count: 28)  // RTCP header and SSRC (8) + sender info (20), no report blocks
        guard let length = try? bytes.withUnsafeMutableBytes({ try report.write(into: $0) }) else { return }
        let now = TrunkTime.now()
        let header = TrunkDataHeader(
            trackID: key.trackID, layer: UInt8(truncatingIfNeeded: layer), hopCount: 1, kind: .rtcp,
            originSendTime: now.unixMicroseconds)
        let sent = bytes.withUnsafeBytes {
            trunk.sendData(header, payload: UnsafeRawBufferPointer(rebasing: $0[0..<length]), to: link, now: now)
        }
        if sent { trunk.metrics.senderReportsSent.increment() }
    }
}
