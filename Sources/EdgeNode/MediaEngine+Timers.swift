import NIOCore
import SFU
import STUN

extension MediaEngine {
    /// The fast cadence: DTLS retransmissions and NACKs for missing packets.
    /// DTLS timers start at 1 s and NACKs are repeated every 50 ms, so 20 ms
    /// is fine enough.
    static let fastTickNanoseconds: UInt64 = 20_000_000
    /// The slow cadence: ICE consent, layer activity, merged keyframe
    /// requests, RTCP reports (every fourth), active speakers.
    static let slowTickNanoseconds: UInt64 = 250_000_000

    /// Starts the media loop's timer. It ticks at the fast cadence only while
    /// a DTLS handshake runs or a producer has packets to NACK, and otherwise
    /// at the slow one: an idle node, or one forwarding without loss, wakes 4
    /// times a second instead of 50 (each wake-up costs tens of µs of CPU).
    func startTimers() {
        scheduleTick(in: Self.fastTickNanoseconds)
    }

    /// Work appeared that needs the fast cadence (a handshake started, a
    /// packet went missing): brings the next tick forward if it is later.
    func needFastTicks() {
        let due = clock.now &+ Self.fastTickNanoseconds
        if timer.dueAt > due { scheduleTick(in: Self.fastTickNanoseconds) }
    }

    private func scheduleTick(in delay: UInt64) {
        timer.scheduled?.cancel()
        timer.dueAt = clock.now &+ delay
        timer.scheduled = eventLoop.scheduleTask(in: .nanoseconds(Int64(clamping: delay))) { [weak self] in
            self?.tick()
        }
    }

    private func tick() {
        let now = clock.now
        var fast = fastTick()
        for room in rooms.values {
            for producer in room.producers.values {
                producer.requestMissingPackets(nowNanoseconds: now)
                if producer.hasMissingPackets { fast = true }
            }
        }
        if now &- timer.lastSlowTick >= Self.slowTickNanoseconds {
            timer.lastSlowTick = now
            slowTick(nowNanoseconds: now)
        }
        flush()
        let sinceSlow = clock.now &- timer.lastSlowTick
        let untilSlow = Self.slowTickNanoseconds &- min(Self.slowTickNanoseconds, sinceSlow)
        scheduleTick(in: fast ? Self.fastTickNanoseconds : max(untilSlow, 1_000_000))
    }

    /// DTLS retransmissions; returns whether a handshake is still running.
    private func fastTick() -> Bool {
        var handshaking = false
        for transports in participants.values {
            for transport in [transports.publisher, transports.subscriber] {
                guard let dtls = transport.dtls, transport.state == .handshaking,
                      let path = transport.remotePath
                else { continue }
                handshaking = true
                guard let due = dtls.timeUntilTimeout(), due <= .zero else { continue }
                do {
                    for datagram in try dtls.handleTimeout() { send(datagram, via: path) }
                } catch {
                    failTransport(transport, reason: "dtls timeout: \(error)")
                }
            }
        }
        return handshaking
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
        slowTicks &+= 1
        sendPeriodicRTCP(nowNanoseconds: now, phase: slowTicks % Self.reportPhases)
    }
}

/// When the media loop's next tick is due and what it has to do.
struct MediaTimer {
    var scheduled: Scheduled<Void>?
    /// `clock.now` of the scheduled tick.
    var dueAt: UInt64 = 0
    var lastSlowTick: UInt64 = 0
}
