import RTP

/// A published track on this node: one stream (or up to three simulcast
/// layers, lowest first) arriving from one publisher transport, fanned out
/// to consumers.
public final class Producer {
    public struct Layer {
        /// SSRC of the layer once known (from SDP or the first packet's rid).
        public var ssrc: UInt32?
        /// The rid of the layer (simulcast), if any.
        public let rid: String?
        public let cache: PacketCache
        public var keyframeRequests = KeyframeRequestLimiter()
        /// What receiver reports to the publisher say about this layer.
        public var reception = ReceptionStatistics()
        /// Loss on the publisher's path, asked for again with NACKs (video).
        public var nacks = NackGenerator()
        public var lastPacketNanoseconds: UInt64 = 0
        public var packets: UInt64 = 0
        /// Bytes received in the current measuring window, and the last measured rate.
        public var windowBytes: UInt64 = 0
        public var bitsPerSecond: UInt64 = 0
        /// Whether packets arrived recently (see `Producer.refreshActivity`).
        public var isActive = false
    }

    /// How long a publisher's sender report keeps describing its RTP clock
    /// (`sourceRTPTime`): publishers send one every few seconds, and a
    /// stream that stopped reporting falls back to the consumer's own timing.
    public static let senderClockLifetimeNanoseconds: UInt64 = 30_000_000_000

    public let id: TrackID
    public let participant: ParticipantID
    public let kind: MediaKind
    public let mid: String
    /// Codec name as in SDP rtpmap (`opus`, `VP8`, `H264`, `VP9`, `AV1`).
    public let codec: String
    public let payloadType: UInt8
    public let clockRate: UInt32
    /// Codec parameters (fmtp) to repeat in subscriber offers.
    public let formatParameters: String?
    public private(set) var layers: [Layer]
    public private(set) var consumers: [Consumer] = []
    /// Copies of this track for other nodes (edge mesh), one per downstream node.
    public private(set) var relaySinks: [any RelaySink] = []
    public weak var feedback: (any PublisherFeedback)?
    public var muted = false
    private var rateWindowStart: UInt64 = 0

    public init(
        id: TrackID, participant: ParticipantID, kind: MediaKind, mid: String, codec: String,
        payloadType: UInt8, clockRate: UInt32, formatParameters: String?,
        rids: [String], ssrcs: [UInt32], cacheConfiguration: PacketCache.Configuration = .init()
    ) {
        self.id = id
        self.participant = participant
        self.kind = kind
        self.mid = mid
        self.codec = codec
        self.payloadType = payloadType
        self.clockRate = clockRate
        self.formatParameters = formatParameters
        var config = cacheConfiguration
        if kind == .audio { config.capacity = min(config.capacity, 128) }
        if rids.isEmpty {
            layers = [Layer(ssrc: ssrcs.first, rid: nil, cache: PacketCache(configuration: config))]
        } else {
            layers = rids.map { Layer(ssrc: nil, rid: $0, cache: PacketCache(configuration: config)) }
        }
    }

    public var isSimulcast: Bool { layers.count > 1 }

    /// The layer index of a stream, by SSRC.
    public func layerIndex(ssrc: UInt32) -> Int? {
        layers.firstIndex { $0.ssrc == ssrc }
    }

    /// The layer index of a rid (first packet of a simulcast stream); binds the SSRC.
    public func bindLayer(rid: String, ssrc: UInt32) -> Int? {
        guard let index = layers.firstIndex(where: { $0.rid == rid }) else { return nil }
        layers[index].ssrc = ssrc
        return index
    }

    /// Binds the SSRC of a single-layer producer whose SDP carried no a=ssrc.
    public func bindSingleLayer(ssrc: UInt32) -> Int? {
        guard layers.count == 1, layers[0].ssrc == nil || layers[0].ssrc == ssrc else { return nil }
        layers[0].ssrc = ssrc
        return 0
    }

    /// Binds the SSRC of a layer by index (relayed tracks: the trunk names the layer).
    public func bindLayer(index: Int, ssrc: UInt32) {
        guard layers.indices.contains(index) else { return }
        layers[index].ssrc = ssrc
    }

    /// Adds a relay sink (another node subscribed this track over a trunk).
    public func addRelaySink(_ sink: any RelaySink) {
        guard !relaySinks.contains(where: { $0 === sink }) else { return }
        relaySinks.append(sink)
    }

    /// Removes a relay sink.
    public func removeRelaySink(_ sink: any RelaySink) {
        relaySinks.removeAll { $0 === sink }
    }

    /// The layers some consumer here needs, plus what relay sinks ask for:
    /// the layer mask a relayed track is pulled with. For each consumer: the
    /// layer it forwards and the one it heads for; its preferred layer and,
    /// when that is not live here, every layer below it down to the highest
    /// live one (the origin may not send the preferred layer: the consumer
    /// then gets the best one it does send); and the lowest layer as the
    /// fallback a consumer can always switch to.
    public var neededLayerMask: UInt8 {
        guard let top = layers.indices.last else { return 0 }
        var mask: UInt8 = consumers.isEmpty ? 0 : 1
        func bit(_ layer: Int) -> UInt8 { 1 << UInt8(max(0, min(layer, top, 7))) }
        for consumer in consumers {
            mask |= bit(consumer.targetLayer)
            if let current = consumer.currentLayer { mask |= bit(current) }
            var layer = max(0, min(consumer.selector.preferred.rawValue, top))
            while layer >= 0 {
                mask |= bit(layer)
                if layers[layer].isActive { break }
                layer -= 1
            }
        }
        for sink in relaySinks { mask |= sink.layerMask }
        return mask & UInt8(truncatingIfNeeded: (1 << min(layers.count, 8)) - 1)
    }

    /// Takes one received packet of `layer`: caches it and forwards it to
    /// every consumer that wants this layer. Returns the number of copies sent.
    @discardableResult
    public func receive(layer: Int, packet: UnsafeRawBufferPointer, info: IncomingRTP, nowNanoseconds: UInt64) -> Int {
        guard layers.indices.contains(layer) else { return 0 }
        let arrival = Self.rtpTicks(nanoseconds: nowNanoseconds, clockRate: clockRate)
        layers[layer].reception.record(
            sequenceNumber: info.sequenceNumber, timestamp: info.timestamp, arrivalRTPTime: arrival)
        if kind == .video {
            layers[layer].nacks.received(sequenceNumber: info.sequenceNumber, nowNanoseconds: nowNanoseconds)
        }
        layers[layer].cache.store(sequenceNumber: info.sequenceNumber, packet: packet, nowNanoseconds: nowNanoseconds)
        layers[layer].lastPacketNanoseconds = nowNanoseconds
        layers[layer].packets &+= 1
        layers[layer].windowBytes &+= UInt64(packet.count)
        if !layers[layer].isActive {
            layers[layer].isActive = true
            refreshTargets(nowNanoseconds: nowNanoseconds)
        }
        var sent = 0
        for consumer in consumers where consumer.forward(layer: layer, packet: packet, info: info, nowNanoseconds: nowNanoseconds) {
            sent += 1
        }
        let bit = Self.maskBit(layer: layer)
        for sink in relaySinks where sink.layerMask & bit != 0 {
            sink.relay(layer: layer, packet: packet, info: info, nowNanoseconds: nowNanoseconds)
            sent += 1
        }
        return sent
    }

    /// Marks layers without packets for `timeoutNanoseconds` inactive, so
    /// consumers fall back to a live layer. Call periodically.
    public func refreshActivity(nowNanoseconds: UInt64, timeoutNanoseconds: UInt64 = 1_500_000_000) {
        if nowNanoseconds &- rateWindowStart >= 1_000_000_000 {
            let elapsed = max(1, nowNanoseconds &- rateWindowStart)
            for i in layers.indices {
                layers[i].bitsPerSecond = layers[i].windowBytes &* 8 &* 1_000_000_000 / elapsed
                layers[i].windowBytes = 0
            }
            rateWindowStart = nowNanoseconds
        }
        for i in layers.indices where layers[i].isActive && nowNanoseconds &- layers[i].lastPacketNanoseconds > timeoutNanoseconds {
            layers[i].isActive = false
        }
        // Every consumer re-evaluates: live layers, measured rates and its
        // congestion hold may all have moved.
        refreshTargets(nowNanoseconds: nowNanoseconds)
        for i in layers.indices where layers[i].keyframeRequests.poll(nowNanoseconds: nowNanoseconds) {
            sendKeyframeRequest(layer: i)
        }
    }

    /// Receiver report blocks for every layer (resets the interval counters).
    public func makeReceptionReports(nowNanoseconds: UInt64) -> [ReceptionReport] {
        var reports: [ReceptionReport] = []
        for i in layers.indices {
            guard let ssrc = layers[i].ssrc,
                  let report = layers[i].reception.makeReport(ssrc: SSRC(ssrc), nowNanoseconds: nowNanoseconds)
            else { continue }
            reports.append(report)
        }
        return reports
    }

    /// A sender report from the publisher for one of this producer's streams:
    /// its NTP time (compact, for the receiver reports' LSR), and its RTP time
    /// for the consumers' sender reports (`sourceRTPTime`).
    public func senderReportReceived(ssrc: UInt32, ntpTime: UInt64, rtpTime: UInt32, nowNanoseconds: UInt64) {
        guard let index = layerIndex(ssrc: ssrc) else { return }
        senderReportReceived(layer: index, ntpTime: ntpTime, rtpTime: rtpTime, nowNanoseconds: nowNanoseconds)
    }

    /// A sender report for `layer` (a relayed track's reports arrive by
    /// layer). Relay sinks that want the layer pass it on to their nodes.
    public func senderReportReceived(layer: Int, ntpTime: UInt64, rtpTime: UInt32, nowNanoseconds: UInt64) {
        guard layers.indices.contains(layer) else { return }
        layers[layer].reception.senderReportReceived(
            compactNTP: UInt32(truncatingIfNeeded: ntpTime >> 16), rtpTime: rtpTime, nowNanoseconds: nowNanoseconds)
        let bit = Self.maskBit(layer: layer)
        for sink in relaySinks where sink.layerMask & bit != 0 {
            sink.relaySenderReport(layer: layer, ssrc: layers[layer].ssrc ?? 0, ntpTime: ntpTime, rtpTime: rtpTime)
        }
    }

    /// The publisher's RTP time of `layer` at `nowNanoseconds` (this node's
    /// clock), extrapolated from its last sender report at the clock rate;
    /// nil without a report in the last `senderClockLifetimeNanoseconds`.
    /// Audio and video of one publisher extrapolated this way keep the
    /// relation the publisher's own reports give them (lip sync).
    public func sourceRTPTime(layer: Int, nowNanoseconds: UInt64) -> UInt32? {
        guard layers.indices.contains(layer), let clock = layers[layer].reception.senderClock,
              nowNanoseconds >= clock.arrivalNanoseconds,
              nowNanoseconds - clock.arrivalNanoseconds <= Self.senderClockLifetimeNanoseconds
        else { return nil }
        return clock.rtpTime &+ Self.rtpTicks(nanoseconds: nowNanoseconds - clock.arrivalNanoseconds, clockRate: clockRate)
    }

    /// `nanoseconds` in ticks of a `clockRate` RTP clock (microsecond resolution, wrapping).
    static func rtpTicks(nanoseconds: UInt64, clockRate: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: nanoseconds / 1_000 &* UInt64(clockRate) / 1_000_000)
    }

    /// The bit of `layer` in a relay sink's layer mask (none past layer 7).
    static func maskBit(layer: Int) -> UInt8 {
        layer < 8 ? 1 << UInt8(layer) : 0
    }

    /// Some layer has packets it is still NACKing (the node's timer then
    /// ticks at its fast rate).
    public var hasMissingPackets: Bool {
        layers.contains { $0.nacks.missingCount > 0 }
    }

    /// `layer` has packets it is still NACKing.
    public func hasMissingPackets(layer: Int) -> Bool {
        layers.indices.contains(layer) && layers[layer].nacks.missingCount > 0
    }

    /// Asks the publisher again for packets missing on its path (call every
    /// few tens of milliseconds). Returns how many sequence numbers were requested.
    @discardableResult
    public func requestMissingPackets(nowNanoseconds: UInt64) -> Int {
        guard kind == .video, let feedback else { return 0 }
        var requested = 0
        for i in layers.indices {
            guard let ssrc = layers[i].ssrc else { continue }
            let due = layers[i].nacks.due(nowNanoseconds: nowNanoseconds)
            guard !due.isEmpty else { continue }
            feedback.requestRetransmission(mediaSSRC: ssrc, sequenceNumbers: due)
            requested += due.count
        }
        return requested
    }

    /// Asks the publisher for a keyframe of `layer`, merged and rate-limited.
    public func requestKeyframe(layer: Int, nowNanoseconds: UInt64) {
        guard kind == .video, layers.indices.contains(layer) else { return }
        if layers[layer].keyframeRequests.request(nowNanoseconds: nowNanoseconds) {
            sendKeyframeRequest(layer: layer)
        }
    }

    private func sendKeyframeRequest(layer: Int) {
        guard let ssrc = layers[layer].ssrc else { return }
        feedback?.requestKeyframe(mediaSSRC: ssrc)
    }

    func refreshTargets(nowNanoseconds: UInt64) {
        for consumer in consumers {
            consumer.updateTarget(nowNanoseconds: nowNanoseconds)
        }
    }

    func add(_ consumer: Consumer, nowNanoseconds: UInt64) {
        consumers.append(consumer)
        consumer.updateTarget(nowNanoseconds: nowNanoseconds)
        requestKeyframe(layer: consumer.targetLayer, nowNanoseconds: nowNanoseconds)
    }

    func remove(_ consumer: Consumer) {
        consumers.removeAll { $0 === consumer }
    }

    /// Detaches every consumer and relay sink (the producer is closing).
    func removeAllConsumers() -> [Consumer] {
        defer {
            consumers = []
            relaySinks = []
        }
        return consumers
    }
}
