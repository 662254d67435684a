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
            // Retransmissions and padding probes on the RTX stream: the node
            // does not NACK publishers yet, so nothing here is needed.
            metrics.drop(.rtxIgnored)
            return
        }
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
        var level: UInt8?
        if producer.kind == .audio, let id = transport.extensionIDs.audioLevel {
            level = header.audioLevel(id: id, in: packet)?.level
        }
        let info = IncomingRTP(
            ssrc: ssrc, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp,
            payloadType: header.payloadType, marker: header.marker,
            isKeyframe: producer.kind == .video && KeyframeDetector.isKeyframe(codec: producer.codec, payload: payload),
            audioLevel: level)
        if let level, let room = rooms[transport.room] {
            room.speakers.record(producer.participant, level: level)
        }
        metrics.packetsReceived.increment()
        let copies = producer.receive(layer: stream.layer, packet: packet, info: info, nowNanoseconds: clock.now)
        metrics.packetsForwarded.increment(by: UInt64(copies))
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
    func sendRTP(_ packet: UnsafeRawBufferPointer, rewrite: RTPRewrite) {
        guard let engine, let header = try? RTPHeaderView(parsing: packet) else { return }
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
