import NIOCore
import RTP
import SFU

extension MediaEngine {
    /// Plaintext RTP from a publisher: find its producer and layer, then fan out.
    func receiveRTP(_ packet: UnsafeRawBufferPointer, on transport: WebRTCTransport) {
        let header: RTPHeaderView
        do {
            header = try RTPHeaderView(parsing: packet)
        } catch {
            metrics.drop(.malformed)
            return
        }
        transport.packetsReceived &+= 1
        let ssrc = header.ssrc.rawValue
        let stream: WebRTCTransport.InboundStream
        if let known = transport.inboundStreams[ssrc] {
            stream = known
        } else if let learned = learnStream(ssrc: ssrc, header: header, packet: packet, on: transport) {
            stream = learned
        } else {
            metrics.drop(.unknownSSRC)
            return
        }
        if stream.isRTX {
            unwrapRTX(packet, header: header, stream: stream, on: transport)
            return
        }
        forward(packet, header: header, stream: stream, on: transport)
    }

    /// RFC 4588 §4: an RTX packet carries the original sequence number (OSN)
    /// in its first two payload bytes. Rebuild the original packet in a
    /// scratch buffer and forward it like any other; padding-only RTX packets
    /// (bandwidth probes) are dropped.
    private func unwrapRTX(
        _ packet: UnsafeRawBufferPointer, header: RTPHeaderView, stream: WebRTCTransport.InboundStream,
        on transport: WebRTCTransport
    ) {
        let producer = stream.producer
        guard header.payloadLength > 2, let ssrc = producer.layers[stream.layer].ssrc else {
            metrics.drop(.paddingOnly)
            return
        }
        let payload = header.payload(in: packet)
        let osn = UInt16(payload[0]) << 8 | UInt16(payload[1])
        let rewrite = RTPRewrite(
            ssrc: SSRC(ssrc), sequenceNumber: osn, timestamp: header.timestamp, payloadType: producer.payloadType)
        let out = rtxScratch
        guard let written = try? header.rewrite(packet, with: rewrite, into: out) else {
            metrics.drop(.malformed)
            return
        }
        // Close the two-byte OSN gap at the start of the payload.
        let start = header.payloadOffset
        let moved = written - start - 2
        if moved > 0, let base = out.baseAddress {
            (base + start).copyMemory(from: base + start + 2, byteCount: moved)
        }
        let original = UnsafeRawBufferPointer(rebasing: out[0..<(written - 2)])
        guard let originalHeader = try? RTPHeaderView(parsing: original) else {
            metrics.drop(.malformed)
            return
        }
        metrics.packetsRecovered.increment()
        forward(original, header: originalHeader, stream: .init(producer: producer, layer: stream.layer, isRTX: false), on: transport)
    }

    private func forward(
        _ packet: UnsafeRawBufferPointer, header: RTPHeaderView, stream: WebRTCTransport.InboundStream,
        on transport: WebRTCTransport
    ) {
        let producer = stream.producer
        guard header.payloadType == producer.payloadType else {
            metrics.drop(.unknownPayloadType)
            return
        }
        let payload = header.payload(in: packet)
        if payload.isEmpty {
            // Padding-only packets (bandwidth probes) carry nothing to forward.
            metrics.drop(.paddingOnly)
            return
        }
        let info = incomingRTP(
            packet, header: header, payload: payload, producer: producer, audioLevelID: transport.extensionIDs.audioLevel)
        copiesOfCurrentPacket = deliver(
            packet, info: info, to: producer, layer: stream.layer, room: transport.room, nowNanoseconds: clock.now)
    }

    /// What a producer needs to know of one media packet: its keyframe flag
    /// (video) and audio level (audio, when the extension was negotiated).
    func incomingRTP(
        _ packet: UnsafeRawBufferPointer, header: RTPHeaderView, payload: UnsafeRawBufferPointer, producer: Producer,
        audioLevelID: UInt8?
    ) -> IncomingRTP {
        var level: UInt8?
        if producer.kind == .audio, let audioLevelID {
            level = header.audioLevel(id: audioLevelID, in: packet)?.level
        }
        return IncomingRTP(
            ssrc: header.ssrc.rawValue, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp,
            payloadType: header.payloadType, marker: header.marker,
            isKeyframe: producer.kind == .video && KeyframeDetector.isKeyframe(codec: producer.codec, payload: payload),
            audioLevel: level, header: header)
    }

    /// Hands a packet to its producer, which fans it out to the consumers;
    /// feeds the room's speaker detector, the counters, and brings the timer's
    /// fast ticks forward when the packet revealed a gap. Returns the copies made.
    func deliver(
        _ packet: UnsafeRawBufferPointer, info: IncomingRTP, to producer: Producer, layer: Int, room: RoomName,
        nowNanoseconds: UInt64
    ) -> Int {
        if let level = info.audioLevel, let room = rooms[room] {
            room.speakers.record(producer.participant, level: level)
        }
        metrics.packetsReceived.increment()
        let copies = producer.receive(layer: layer, packet: packet, info: info, nowNanoseconds: nowNanoseconds)
        if producer.hasMissingPackets(layer: layer) { needFastTicks() }
        metrics.packetsForwarded.increment(by: UInt64(copies))
        return copies
    }

    /// An SSRC seen for the first time: bind it through the mid and rid
    /// header extensions (simulcast, RFC 8852), or to the only producer
    /// without a bound SSRC.
    private func learnStream(
        ssrc: UInt32, header: RTPHeaderView, packet: UnsafeRawBufferPointer, on transport: WebRTCTransport
    ) -> WebRTCTransport.InboundStream? {
        let ids = transport.extensionIDs
        var producer: Producer?
        if let midID = ids.mid, let mid = header.mid(id: midID, in: packet) {
            producer = transport.producersByMid[mid]
        }
        guard let producer else { return nil }
        var stream: WebRTCTransport.InboundStream?
        if let rridID = ids.repairedRid, let rid = header.repairedRTPStreamID(id: rridID, in: packet),
           let layer = producer.layers.firstIndex(where: { $0.rid == rid }) {
            stream = .init(producer: producer, layer: layer, isRTX: true)
        } else if let ridID = ids.rid, let rid = header.rtpStreamID(id: ridID, in: packet),
                  let layer = producer.bindLayer(rid: rid, ssrc: ssrc) {
            stream = .init(producer: producer, layer: layer, isRTX: false)
        } else if header.payloadType == producer.payloadType, let layer = producer.bindSingleLayer(ssrc: ssrc) {
            stream = .init(producer: producer, layer: layer, isRTX: false)
        } else if header.payloadType != producer.payloadType {
            stream = .init(producer: producer, layer: 0, isRTX: true)
        }
        if let stream { transport.inboundStreams[ssrc] = stream }
        return stream
    }
}

extension WebRTCTransport: MediaSink {
    func sendRTP(_ packet: UnsafeRawBufferPointer, header: RTPHeaderView, rewrite: RTPRewrite) {
        guard let engine else { return }
        let absSendTimeID = Negotiation.subscriberAbsSendTimeID
        let sendTime = AbsSendTime(microseconds: engine.clock.now / 1_000)
        engine.sendProtected(on: self, isRTCP: false, maxLength: packet.count) { out in
            guard let length = try? header.rewrite(packet, with: rewrite, into: out) else { return nil }
            // The node's own send time, so the subscriber's bandwidth
            // estimator (REMB) measures the path from here, not from the publisher.
            let written = UnsafeMutableRawBufferPointer(rebasing: out[0..<length])
            if let outHeader = try? RTPHeaderView(parsing: UnsafeRawBufferPointer(written)) {
                outHeader.setAbsSendTime(sendTime, id: absSendTimeID, in: written)
            }
            return length
        }
        engine.metrics.bytesForwarded.increment(by: UInt64(packet.count))
    }
}

/// Keyframe detection by codec (RFC 7741 VP8, RFC 6184 H.264, VP9 draft).
enum KeyframeDetector {
    static func isKeyframe(codec: String, payload: UnsafeRawBufferPointer) -> Bool {
        switch codec.uppercased() {
        case "VP8": return (try? VP8PayloadDescriptor(parsing: payload))?.isKeyframe ?? false
        case "VP9": return (try? VP9PayloadDescriptor(parsing: payload))?.isKeyframe ?? false
        case "H264": return (try? H264PayloadInfo(parsing: payload))?.isKeyframe ?? false
        default: return false
        }
    }
}
