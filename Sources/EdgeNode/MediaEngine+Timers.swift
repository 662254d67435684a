import NIOCore
import SFU
import STUN

extension MediaEngine {
    /// Periodic work on the media loop: DTLS retransmissions and NACKs for
    /// missing packets every 20 ms tick (DTLS timers start at 1 s and NACKs
    /// are sent at most every 20 ms, so a finer tick only costs wake-ups), and
    /// every 250 ms ICE consent, layer activity, merged keyframe requests, RTCP
    /// reports and active speakers.
    func startTimers() {
        var lastSlowTick: UInt64 = 0
        eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(20), delay: .milliseconds(20)) { [weak self] _ in
            guard let self else { return }
            let now = clock.now
            fastTick()
            for room in rooms.values {
                for producer in room.producers.values { producer.requestMissingPackets(nowNanoseconds: now) }
            }
            if now &- lastSlowTick >= 250_000_000 {
                lastSlowTick = now
                slowTick(nowNanoseconds: now)
            }
            flush()
        }
    }

    private func fastTick() {
        for transports in participants.values {
            for transport in [transports.publisher, transports.subscriber] {
                guard let dtls = transport.dtls, transport.state == .handshaking,
                      let path = transport.remotePath
                else { continue }
                guard let due = dtls.timeUntilTimeout(), due <= .zero else { continue }
                do {
                    for datagram in try dtls.handleTimeout() { send(datagram, via: path) }
                } catch {
                    failTransport(transport, reason: "dtls timeout: \(error)")
                }
            }
        }
    }

    private func slowTick(nowNanoseconds now: UInt64) {
        let nowDuration = clock.nowDuration
        for transports in Array(participants.values) {
            for transport in [transports.publisher, transports.subscriber] where !transport.isClosed {
                exportPathCounters(transport)
                // A negotiated transport that never connects is given up on.
                if transport.state == .checking || transport.state == .handshaking,
                   let since = transport.negotiatedNanoseconds,
                   now &- since > UInt64(configuration.connectTimeoutSeconds) * 1_000_000_000 {
                    failTransport(transport, reason: "not connected within \(configuration.connectTimeoutSeconds) s")
                    continue
                }
                guard var ice = transport.ice else { continue }
                let actions = ice.tick(now: nowDuration)
                transport.ice = ice
                if actions.contains(where: { if case .consentExpired = $0 { true } else { false } }) {
                    failTransport(transport, reason: "ice consent expired")
                }
            }
        }
        for room in rooms.values {
            for producer in room.producers.values {
                producer.refreshActivity(nowNanoseconds: now)
            }
            if let speakers = room.speakers.tick(nowNanoseconds: now) {
                events.publish(.activeSpeakers(room: room.name, speakers: speakers.map { ($0.key, $0.level) }))
            }
        }
        if now &- lastPeriodicRTCP >= 1_000_000_000 {
            lastPeriodicRTCP = now
            sendPeriodicRTCP(nowNanoseconds: now)
        }
    }
}
