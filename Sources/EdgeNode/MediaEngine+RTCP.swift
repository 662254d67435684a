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
            guard transport.role == .subscriber else {
                if case .senderReport(let sr) = rtcp {
                    for producer in transport.producersByMid.values {
                        producer.senderReportReceived(
                            ssrc: sr.ssrc.rawValue, ntpTime: sr.ntpTime, rtpTime: sr.rtpTime, nowNanoseconds: now)
                    }
                }
                continue
            }
            switch rtcp {
            case .genericNACK(let nack):
                guard let consumer = transport.consumersBySSRC[nack.mediaSSRC.rawValue] else { continue }
                var lost: [UInt16] = []
                for pair in nack.pairs { pair.forEachLost { lost.append($0) } }
                metrics.nacksReceived.increment(by: UInt64(lost.count))
                var missing: [UInt16] = []
                let resent = consumer.retransmit(sequenceNumbers: lost, nowNanoseconds: now, missing: &missing)
                metrics.retransmissions.increment(by: UInt64(resent))
                if !missing.isEmpty { forwardMissing(missing, of: consumer) }
            case .pictureLossIndication(let pli):
                transport.consumersBySSRC[pli.mediaSSRC.rawValue]?.requestKeyframe(nowNanoseconds: now)
            case .fullIntraRequest(let fir):
                for entry in fir.entries {
                    transport.consumersBySSRC[entry.ssrc.rawValue]?.requestKeyframe(nowNanoseconds: now)
                }
            case .receiverReport(let rr):
                recordSubscriberReports(rr.reports, on: transport)
            case .senderReport(let sr):
                recordSubscriberReports(sr.reports, on: transport)
            case .receiverEstimatedMaxBitrate(let remb):
                let bitrate = UInt64(remb.mantissa) << UInt64(min(remb.exponent, 45))
                let video = transport.consumersBySSRC.values.filter { $0.producer.kind == .video }
                guard !video.isEmpty else { continue }
                let share = bitrate / UInt64(video.count)
                logger.trace("remb from subscriber", metadata: [
                    "transport": "\(transport.id)", "bps": "\(bitrate)",
                    "layers": "\(video.map { "\($0.currentLayer ?? -1)->\($0.targetLayer)" })",
                ])
                for consumer in video { consumer.setBandwidthEstimate(share, nowNanoseconds: now) }
            default:
                continue
            }
        }
    }

    /// Loss and jitter a subscriber reports about the streams the node sends it.
    private func recordSubscriberReports(_ reports: [ReceptionReport], on transport: WebRTCTransport) {
        for report in reports {
            guard let consumer = transport.consumersBySSRC[report.ssrc.rawValue] else { continue }
            metrics.quality.outboundLost.increment(
                by: outboundLoss.increase(ssrc: report.ssrc.rawValue, cumulative: report.cumulativeLost))
            let rate = consumer.producer.clockRate
            if rate > 0 { metrics.quality.outboundJitter.observe(Double(report.jitter) / Double(rate)) }
        }
    }

    /// Sends one compound RTCP packet on a transport.
    func sendRTCP(_ packets: [RTCPPacket], on transport: WebRTCTransport) {
        guard !packets.isEmpty else { return }
        sendProtected(on: transport, isRTCP: true, maxLength: RTCPCompound.marshalSize(packets)) { out in
            try? RTCPCompound.write(packets, into: out)
        }
    }

    func sendRTCP(_ rtcp: RTCPPacket, on transport: WebRTCTransport) {
        sendRTCP([rtcp], on: transport)
    }

    /// Slow ticks per round of reports: each participant gets its reports on
    /// one of them, about once a second.
    static let reportPhases = 4

    /// Receiver reports and REMB to publishers (the node can take what they
    /// send; REMB lets senders ramp up to every simulcast layer), and sender
    /// reports to subscribers: on each slow tick to the participants of that
    /// tick's phase, so a node with 500 subscribers sends 125 batches of
    /// reports every 250 ms rather than 500 at once every second (which held
    /// up forwarding for the ≈ 2 ms they took).
    func sendPeriodicRTCP(nowNanoseconds now: UInt64, phase: Int) {
        let ntp = WallClock.ntpTime()
        for transports in participants.values where transports.reportPhase == phase {
            let publisher = transports.publisher
            if publisher.isConnected, !publisher.inboundStreams.isEmpty {
                var reports: [ReceptionReport] = []
                for producer in publisher.producersByMid.values {
                    let made = producer.makeReceptionReports(nowNanoseconds: now)
                    for report in made {
                        let ssrc = report.ssrc.rawValue
                        metrics.quality.inboundLost.increment(
                            by: inboundLoss.increase(ssrc: ssrc, cumulative: report.cumulativeLost))
                        if producer.clockRate > 0 {
                            metrics.quality.inboundJitter.observe(Double(report.jitter) / Double(producer.clockRate))
                        }
                    }
                    reports += made
                }
                var packets: [RTCPPacket] = []
                for chunk in stride(from: 0, to: max(reports.count, 1), by: 31) {
                    packets.append(.receiverReport(ReceiverReport(
                        ssrc: Self.feedbackSenderSSRC, reports: Array(reports[chunk..<min(chunk + 31, reports.count)]))))
                }
                let ssrcs = publisher.inboundStreams.keys.prefix(32).map { SSRC($0) }
                let (exponent, mantissa) = Self.rembFields(bitsPerSecond: configuration.publisherBitrateCap)
                packets.append(.receiverEstimatedMaxBitrate(ReceiverEstimatedMaxBitrate(
                    senderSSRC: Self.feedbackSenderSSRC, exponent: exponent, mantissa: mantissa, ssrcs: ssrcs)))
                sendRTCP(packets, on: publisher)
            }
            let subscriber = transports.subscriber
            if subscriber.isConnected {
                let reports = subscriber.consumersBySSRC.values.compactMap {
                    $0.makeSenderReport(nowNanoseconds: now, ntpTime: ntp)
                }
                // One compound packet per few reports keeps datagrams small.
                for chunk in stride(from: 0, to: reports.count, by: 8) {
                    sendRTCP(reports[chunk..<min(chunk + 8, reports.count)].map { .senderReport($0) }, on: subscriber)
                }
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
