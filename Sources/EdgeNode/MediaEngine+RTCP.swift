import NIOCore
import RTP
import SFU

extension MediaEngine {
    /// SSRC the node uses as the sender of its own RTCP feedback.
    static let feedbackSenderSSRC: SSRC = 1

    /// Plaintext RTCP from a client. Subscribers send NACK, PLI/FIR and
    /// REMB about what the node sends them; publishers send reports.
    func receiveRTCP(_ packet: UnsafeRawBufferPointer, on transport: WebRTCTransport) {
        var reader = RTCPCompoundReader(packet)
        let now = clock.now
        while true {
            let next: RTCPPacket?
            do {
                next = try reader.next()
            } catch {
                metrics.drop(.malformed)
                return
            }
            guard let rtcp = next else { return }
            guard transport.role == .subscriber else { continue }
            switch rtcp {
            case .genericNACK(let nack):
                guard let consumer = transport.consumersBySSRC[nack.mediaSSRC.rawValue] else { continue }
                var lost: [UInt16] = []
                for pair in nack.pairs { pair.forEachLost { lost.append($0) } }
                metrics.nacksReceived.increment(by: UInt64(lost.count))
                let resent = consumer.retransmit(sequenceNumbers: lost, nowNanoseconds: now)
                metrics.retransmissions.increment(by: UInt64(resent))
            case .pictureLossIndication(let pli):
                transport.consumersBySSRC[pli.mediaSSRC.rawValue]?.requestKeyframe(nowNanoseconds: now)
            case .fullIntraRequest(let fir):
                for entry in fir.entries {
                    transport.consumersBySSRC[entry.ssrc.rawValue]?.requestKeyframe(nowNanoseconds: now)
                }
            case .receiverEstimatedMaxBitrate(let remb):
                let bitrate = UInt64(remb.mantissa) << UInt64(min(remb.exponent, 45))
                let video = transport.consumersBySSRC.values.filter { $0.producer.kind == .video }
                guard !video.isEmpty else { continue }
                let share = bitrate / UInt64(video.count)
                for consumer in video { consumer.setBandwidthEstimate(share, nowNanoseconds: now) }
            default:
                continue
            }
        }
    }

    /// Sends one RTCP packet (plaintext written by `packet`) on a transport.
    func sendRTCP(_ rtcp: RTCPPacket, on transport: WebRTCTransport) {
        sendProtected(on: transport, isRTCP: true, maxLength: 1200) { out in
            try? rtcp.write(into: out)
        }
    }

    /// Once a second: REMB to publishers (the node can take what they send;
    /// it lets senders ramp up to every simulcast layer), and sender reports
    /// to subscribers.
    func sendPeriodicRTCP(nowNanoseconds now: UInt64) {
        for transports in participants.values {
            let publisher = transports.publisher
            if publisher.isConnected, !publisher.inboundStreams.isEmpty {
                let ssrcs = publisher.inboundStreams.keys.prefix(32).map { SSRC($0) }
                let (exponent, mantissa) = Self.rembFields(bitsPerSecond: configuration.publisherBitrateCap)
                sendRTCP(.receiverEstimatedMaxBitrate(ReceiverEstimatedMaxBitrate(
                    senderSSRC: Self.feedbackSenderSSRC, exponent: exponent, mantissa: mantissa, ssrcs: ssrcs)),
                    on: publisher)
            }
        }
    }

    /// REMB's 6-bit exponent and 18-bit mantissa for a bitrate.
    static func rembFields(bitsPerSecond: UInt64) -> (UInt8, UInt32) {
        var exponent: UInt8 = 0
        var mantissa = bitsPerSecond
        while mantissa > 0x3FFFF {
            mantissa >>= 1
            exponent += 1
        }
        return (exponent, UInt32(mantissa))
    }
}

extension WebRTCTransport: PublisherFeedback {
    func requestKeyframe(mediaSSRC: UInt32) {
        guard let engine, isConnected else { return }
        engine.metrics.keyframeRequests.increment()
        engine.sendRTCP(
            .pictureLossIndication(PictureLossIndication(
                senderSSRC: MediaEngine.feedbackSenderSSRC, mediaSSRC: SSRC(mediaSSRC))),
            on: self)
        engine.flush()
    }

    func requestRetransmission(mediaSSRC: UInt32, sequenceNumbers: [UInt16]) {
        guard let engine, isConnected else { return }
        engine.metrics.nacksSent.increment(by: UInt64(sequenceNumbers.count))
        engine.sendRTCP(
            .genericNACK(GenericNACK(
                senderSSRC: MediaEngine.feedbackSenderSSRC, mediaSSRC: SSRC(mediaSSRC), lost: sequenceNumbers)),
            on: self)
    }
}
