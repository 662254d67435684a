import RTP

/// One subscriber's view of one producer: its own SSRC, sequence and
/// timestamp space (a `StreamRewriter`), its own simulcast layer choice, and
/// the transport (`MediaSink`) its packets leave through.
public final class Consumer {
    public let id: String
    public let subscriber: ParticipantID
    public unowned let producer: Producer
    public let ssrc: UInt32
    public let payloadType: UInt8
    public private(set) var rewriter: StreamRewriter
    public private(set) var selector: SimulcastSelector
    public private(set) var paused = false
    /// How header extension ids of the publisher map to the subscriber's
    /// (those the subscriber did not negotiate are dropped).
    public var extensionIDs: RTPExtensionIDMap = .dropAll
    /// Becomes true when the subscriber's transport can send media.
    public var isReady = false
    public private(set) var packetsSent: UInt64 = 0
    public private(set) var octetsSent: UInt64 = 0
    /// When the last packet left (for sender reports).
    public private(set) var lastSentNanoseconds: UInt64 = 0
    public private(set) var retransmissions: UInt64 = 0
    public private(set) weak var sink: (any MediaSink)?

    public init(
        id: String, subscriber: ParticipantID, producer: Producer, sink: any MediaSink,
        ssrc: UInt32, quality: Quality, initialSequence: UInt16, initialTimestamp: UInt32
    ) {
        self.id = id
        self.subscriber = subscriber
        self.producer = producer
        self.sink = sink
        self.ssrc = ssrc
        self.payloadType = producer.payloadType
        self.rewriter = StreamRewriter(
            clockRate: producer.clockRate, initialSequence: initialSequence, initialTimestamp: initialTimestamp)
        self.selector = SimulcastSelector(preferred: quality)
    }

    /// The layer this consumer is heading for.
    public var targetLayer: Int { selector.targetLayer }
    /// The layer being forwarded now.
    public var currentLayer: Int? { selector.currentLayer }

    /// Forwards one packet of `layer` if this consumer wants it. Audio and
    /// single-layer video need no keyframe to start; simulcast switches wait
    /// for one.
    func forward(layer: Int, packet: UnsafeRawBufferPointer, info: IncomingRTP, nowNanoseconds: UInt64) -> Bool {
        guard isReady, !paused, let sink else { return false }
        let startsOnKeyframe = producer.kind == .video && producer.isSimulcast
        guard selector.shouldForward(layer: layer, isKeyframe: info.isKeyframe || !startsOnKeyframe) else {
            return false
        }
        guard let out = rewriter.rewrite(
            sourceSSRC: info.ssrc, sequenceNumber: info.sequenceNumber, timestamp: info.timestamp,
            nowNanoseconds: nowNanoseconds)
        else { return false }
        sink.sendRTP(packet, header: info.header, rewrite: RTPRewrite(
            ssrc: SSRC(ssrc), sequenceNumber: out.sequenceNumber, timestamp: out.timestamp, payloadType: payloadType, extensionIDs: extensionIDs))
        packetsSent &+= 1
        octetsSent &+= UInt64(packet.count)
        lastSentNanoseconds = nowNanoseconds
        return true
    }

    /// Answers a generic NACK from the subscriber (output sequence numbers)
    /// from the producer's cache. Returns how many packets were resent.
    @discardableResult
    public func retransmit(sequenceNumbers: [UInt16], nowNanoseconds: UInt64) -> Int {
        var missing: [UInt16] = []
        return retransmit(sequenceNumbers: sequenceNumbers, nowNanoseconds: nowNanoseconds, missing: &missing)
    }

    /// `retransmit`, also collecting the source sequence numbers (of the
    /// current layer) the cache no longer or never held in `missing`: a
    /// relayed track asks the upstream node for those.
    @discardableResult
    public func retransmit(sequenceNumbers: [UInt16], nowNanoseconds: UInt64, missing: inout [UInt16]) -> Int {
        guard let layer = selector.currentLayer, let sink, producer.layers.indices.contains(layer) else { return 0 }
        let cache = producer.layers[layer].cache
        var resent = 0
        for outSeq in sequenceNumbers {
            guard let sourceSeq = rewriter.sourceSequence(forOutput: outSeq) else { continue }
            let done = cache.withPacket(sequenceNumber: sourceSeq, nowNanoseconds: nowNanoseconds) { bytes -> Bool in
                guard let header = try? RTPHeaderView(parsing: bytes),
                      header.ssrc.rawValue == producer.layers[layer].ssrc else { return false }
                let rewrite = RTPRewrite(
                    ssrc: SSRC(self.ssrc), sequenceNumber: outSeq,
                    timestamp: header.timestamp &+ rewriter.timestampOffsetForRetransmission,
                    payloadType: payloadType, extensionIDs: extensionIDs)
                sink.sendRTP(bytes, header: header, rewrite: rewrite)
                return true
            }
            if done == true { resent += 1 } else { missing.append(sourceSeq) }
        }
        retransmissions &+= UInt64(resent)
        return resent
    }

    /// An RFC 3550 §6.4.1 sender report for this consumer's stream. The RTP
    /// time of `ntpTime` is the publisher's, from its last sender report on
    /// the forwarded layer (`Producer.sourceRTPTime`) moved into this
    /// consumer's timestamp space, so a subscriber lines audio and video up
    /// as the publisher captured them; without a recent report (relayed
    /// tracks, publishers that send none) it is extrapolated from the last
    /// packet sent.
    public func makeSenderReport(nowNanoseconds: UInt64, ntpTime: UInt64) -> SenderReport? {
        guard rewriter.hasStarted else { return nil }
        let rtpTime: UInt32
        if let layer = selector.currentLayer, let source = producer.sourceRTPTime(layer: layer, nowNanoseconds: nowNanoseconds) {
            rtpTime = source &+ rewriter.timestampOffsetForRetransmission
        } else {
            rtpTime = rewriter.lastTimestamp
                &+ Producer.rtpTicks(nanoseconds: nowNanoseconds &- lastSentNanoseconds, clockRate: producer.clockRate)
        }
        return SenderReport(
            ssrc: SSRC(ssrc), ntpTime: ntpTime, rtpTime: rtpTime,
            packetCount: UInt32(truncatingIfNeeded: packetsSent), octetCount: UInt32(truncatingIfNeeded: octetsSent))
    }

    /// The subscriber asked for a keyframe (PLI/FIR): ask upstream, merged.
    public func requestKeyframe(nowNanoseconds: UInt64) {
        producer.requestKeyframe(layer: selector.currentLayer ?? selector.targetLayer, nowNanoseconds: nowNanoseconds)
    }

    /// Changes the preferred simulcast layer.
    public func setQuality(_ quality: Quality, nowNanoseconds: UInt64) {
        selector.preferred = quality
        updateTarget(nowNanoseconds: nowNanoseconds)
    }

    /// A new bandwidth estimate of the subscriber (REMB / transport-cc), bits per second.
    public func setBandwidthEstimate(_ bitsPerSecond: UInt64, nowNanoseconds: UInt64) {
        selector.bandwidthEstimate = bitsPerSecond
        updateTarget(nowNanoseconds: nowNanoseconds)
    }

    public func pause() { paused = true }
    public func resume(nowNanoseconds: UInt64) {
        paused = false
        producer.requestKeyframe(layer: selector.targetLayer, nowNanoseconds: nowNanoseconds)
    }

    func updateTarget(nowNanoseconds: UInt64) {
        let changed = selector.updateTarget(
            activeLayers: producer.layers.map(\.isActive), layerBitrates: producer.layers.map(\.bitsPerSecond),
            nowNanoseconds: nowNanoseconds)
        if changed || selector.awaitingKeyframe {
            producer.requestKeyframe(layer: selector.targetLayer, nowNanoseconds: nowNanoseconds)
        }
    }
}
