import DTLS
import Logging
import NIOCore
import RTP
import SFU
import SRTP
import STUN
import Telemetry

/// The media plane of one node: every transport, room, producer and consumer,
/// and the packet path between them. All state is confined to one NIO event
/// loop (the UDP channel's); the control plane reaches it with
/// `eventLoop.submit`, and nothing on the packet path takes a lock or hops
/// to an actor.
final class MediaEngine: @unchecked Sendable {
    let eventLoop: any EventLoop
    let configuration: NodeConfiguration
    let metrics: NodeMetrics
    let events: NodeEventBroadcaster
    let logger: Logger
    let dtlsContext: DTLSContext
    let certificate: DTLSCertificate
    /// Set once the UDP channels are bound (IPv6 only when configured).
    var channel: (any Channel)?
    var channelV6: (any Channel)?
    /// The address family of `channel`: IPv6 when `BIND_HOST` is an IPv6
    /// address, and then `channel` serves the IPv6 peers (bound to `::`, IPv4
    /// ones too, as v4-mapped addresses).
    var primaryFamily: NIOBSDSocket.ProtocolFamily = .inet
    var rtcPort: Int = 0
    /// The ICE-TCP listener's port (nil: no TCP candidate).
    var rtcTCPPort: Int?

    var rooms: [RoomName: Room] = [:]
    var participants: [ParticipantKey: ParticipantTransports] = [:]
    var transportsByUfrag: [String: WebRTCTransport] = [:]
    var transportsByAddress: [SocketAddress: WebRTCTransport] = [:]
    /// One scratch buffer for unprotect/protect, reused for every packet.
    var scratch: UnsafeMutableRawBufferPointer
    /// Where RTX packets are rebuilt into their original form.
    var rtxScratch: UnsafeMutableRawBufferPointer
    /// Outgoing SRTP of each UDP socket, protected in place and sent in `sendmmsg` batches.
    var sender: UDPBatchSender?
    var senderV6: UDPBatchSender?
    /// Copies queued for the RTP packet being handled (forwarding-latency sample when > 0).
    var copiesOfCurrentPacket = 0
    var latencySampleCounter: UInt32 = 0
    var inboundLoss = LossTracker()
    var outboundLoss = LossTracker()
    let clock = NanosecondClock()
    /// Slow ticks so far: which quarter of the participants gets its RTCP reports (see `sendPeriodicRTCP`).
    var slowTicks = 0
    /// The report phase the next participant gets (round robin over `MediaEngine.reportPhases`).
    var nextReportPhase = 0
    /// The media loop's timer (MediaEngine+Timers.swift).
    var timer = MediaTimer()
    /// Trunks to other nodes (nil without a mesh credential) and relayed tracks (MediaEngine+Trunk.swift).
    var trunk: TrunkLink?
    var relays = RelayTable()

    init(
        eventLoop: any EventLoop, configuration: NodeConfiguration, metrics: NodeMetrics,
        events: NodeEventBroadcaster, logger: Logger
    ) throws {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.metrics = metrics
        self.events = events
        self.logger = logger
        try SRTPSessionPair.prepareLibrary()
        self.certificate = try DTLSCertificate.generate(commonName: "edgemesh-\(configuration.nodeID)")
        self.dtlsContext = try DTLSContext(certificate: certificate)
        self.scratch = .allocate(byteCount: 2048, alignment: 16)
        self.rtxScratch = .allocate(byteCount: 2048, alignment: 16)
    }

    deinit {
        scratch.deallocate()
        rtxScratch.deallocate()
    }

    // MARK: packet path

    /// One datagram from the UDP socket.
    func receive(_ bytes: UnsafeRawBufferPointer, from address: SocketAddress) {
        metrics.datagramsReceived.increment()
        switch Demultiplexer.classify(bytes) {
        case .stun: receiveSTUN(bytes, path: .udp(address), known: transportsByAddress[address])
        case .dtls: receiveDTLS(bytes, path: .udp(address), transport: transportsByAddress[address])
        case .rtp: receiveSRTP(bytes, transport: transportsByAddress[address], isRTCP: false)
        case .rtcp: receiveSRTP(bytes, transport: transportsByAddress[address], isRTCP: true)
        case .unknown: metrics.drop(.malformed)
        }
    }

    /// A STUN packet on `path`; `known` is the transport that path is selected for.
    func receiveSTUN(_ bytes: UnsafeRawBufferPointer, path: MediaPath, known: WebRTCTransport?) {
        let address = path.remoteAddress
        let transport: WebRTCTransport
        if let known {
            transport = known
        } else {
            guard let username = ICEUsername(peekingRequest: bytes),
                  let found = transportsByUfrag[username.localUfrag]
            else {
                // Not even a STUN header: malformed, as it would be from a known address.
                metrics.drop(STUNMessage.isSTUN(bytes) ? .unknownTransport : .malformed)
                return
            }
            transport = found
            // ICE-TCP: the connection names a real transport; it may stay
            // (its checks can come before the remote description does).
            if case .tcp(let connection) = path, connection.boundTransport == nil {
                connection.boundTransport = found
            }
        }
        if transport.ice == nil, transport.state == .new {
            // Checks before the remote description: answer them (the client
            // proves it has our offer by our password in MESSAGE-INTEGRITY).
            transport.ice = makeICEResponder(for: transport, remoteUfrag: nil)
        }
        guard var ice = transport.ice else {
            metrics.drop(.unknownTransport)
            return
        }
        guard let stunAddress = address.stunAddress else {
            metrics.drop(.malformed)
            return
        }
        let actions = ice.handle(bytes, from: path, sourceAddress: stunAddress, now: clock.nowDuration)
        transport.ice = ice
        for action in actions {
            switch action {
            case .send(let response, to: let destination):
                send(response, via: destination)
            case .nominated(let nominated):
                nominate(transport, path: nominated)
            case .drop(let reason):
                metrics.drop(reason == .stunIntegrity ? .stunIntegrity : .malformed)
            case .consentExpired:
                closeTransport(transport, reason: "ice consent expired")
            }
        }
    }

    private func nominate(_ transport: WebRTCTransport, path: MediaPath) {
        select(path, for: transport)
        guard transport.state == .checking, let dtls = transport.dtls else { return }
        startHandshake(transport, dtls: dtls, path: path)
    }

    /// ICE nominated `path` and the remote description is known: DTLS starts.
    func startHandshake(_ transport: WebRTCTransport, dtls: DTLSEndpoint, path: MediaPath) {
        transport.moveTo(.handshaking)
        needFastTicks()
        if dtls.role == .client {
            do {
                for datagram in try dtls.start() { send(datagram, via: path) }
            } catch {
                failTransport(transport, reason: "dtls: \(error)")
            }
        }
    }

    /// A DTLS record on `path`; `transport` is the one that path is selected for.
    func receiveDTLS(_ bytes: UnsafeRawBufferPointer, path: MediaPath, transport: WebRTCTransport?) {
        guard let transport, let dtls = transport.dtls else {
            if let transport, transport.state == .new, transport.earlyDTLS.count < WebRTCTransport.earlyDTLSLimit,
               bytes.count <= configuration.mtu + 512 {
                // The client's first flight overtook its answer: keep it until the answer is applied.
                transport.earlyDTLS.append(Array(bytes))
                return
            }
            metrics.drop(.unknownTransport)
            return
        }
        do {
            let replies = try dtls.receive(bytes)
            for datagram in replies { send(datagram, via: path) }
        } catch DTLSError.malformedRecord {
            metrics.drop(.dtls)
            return
        } catch {
            metrics.drop(.dtls)
            for datagram in dtls.takeOutgoingDatagrams() { send(datagram, via: path) }
            failTransport(transport, reason: "dtls: \(error)")
            return
        }
        if dtls.state == .connected, !transport.isConnected {
            dtlsConnected(transport, dtls: dtls)
        } else if dtls.state == .closed {
            // The peer closed its connection (close_notify, RFC 5246 §7.2.1): stop
            // sending to it now rather than when its consent runs out.
            failTransport(transport, reason: "dtls: close_notify from the peer")
        }
    }

    private func dtlsConnected(_ transport: WebRTCTransport, dtls: DTLSEndpoint) {
        do {
            let material = try dtls.exportSRTPKeyingMaterial()
            let local = material.localKeys(for: dtls.role)
            let remote = material.remoteKeys(for: dtls.role)
            let pair = try SRTPSessionPair(
                profileID: material.profile.rawValue,
                localMasterKey: local.key, localMasterSalt: local.salt,
                remoteMasterKey: remote.key, remoteMasterSalt: remote.salt,
                configuration: configuration.srtpConfiguration)
            transport.srtpOutbound = pair.outbound
            transport.srtpInbound = pair.inbound
        } catch {
            failTransport(transport, reason: "srtp setup: \(error)")
            return
        }
        transport.moveTo(.connected)
        metrics.transportsConnected.increment()
        logger.debug("transport connected", metadata: ["transport": "\(transport.id)", "role": "\(transport.role.rawValue)"])
        events.publish(.transportConnected(room: transport.room, participant: transport.participant, role: transport.role))
        if transport.role == .subscriber {
            for consumer in transport.consumersBySSRC.values {
                consumer.isReady = true
                consumer.requestKeyframe(nowNanoseconds: clock.now)
            }
        }
    }

    /// An SRTP or SRTCP packet for `transport` (the one its path is selected for).
    func receiveSRTP(_ bytes: UnsafeRawBufferPointer, transport: WebRTCTransport?, isRTCP: Bool) {
        guard let transport, transport.isConnected,
              let srtp = transport.srtpInbound
        else {
            metrics.drop(.unknownTransport)
            return
        }
        guard bytes.count <= scratch.count else {
            metrics.drop(.malformed)
            return
        }
        // Forwarding latency is sampled (1 publisher packet in 16) so the
        // packet path takes no clock reads or histogram lock for the rest.
        latencySampleCounter &+= 1
        let arrival: UInt64? = !isRTCP && latencySampleCounter & 15 == 0 ? clock.now : nil
        UnsafeMutableRawBufferPointer(rebasing: scratch[0..<bytes.count]).copyMemory(from: bytes)
        let length: Int
        do {
            length = isRTCP
                ? try srtp.unprotectRTCP(buffer: scratch, length: bytes.count)
                : try srtp.unprotectRTP(buffer: scratch, length: bytes.count)
        } catch SRTPError.replayed {
            metrics.drop(.srtpReplay)
            return
        } catch SRTPError.authenticationFailed {
            metrics.drop(.srtpAuth)
            return
        } catch {
            metrics.drop(.malformed)
            return
        }
        let packet = UnsafeRawBufferPointer(rebasing: scratch[0..<length])
        transport.srtpReceived &+= 1
        if isRTCP {
            receiveRTCP(packet, on: transport)
        } else if transport.role == .publisher {
            copiesOfCurrentPacket = 0
            receiveRTP(packet, on: transport)
            if let arrival, copiesOfCurrentPacket > 0 {
                metrics.quality.forwardingLatency.observe(Double(clock.now &- arrival) / 1e9)
            }
        } else {
            metrics.drop(.unexpectedMedia)
        }
    }

    // MARK: sending

    func send(_ datagram: [UInt8], to address: SocketAddress) {
        guard let channel = channel(for: address) else { return }
        var buffer = channel.allocator.buffer(capacity: datagram.count)
        buffer.writeBytes(datagram)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
    }

    /// Protects a plaintext RTP or RTCP packet written by `write` for `transport` and queues it
    /// (flushed at the end of the read batch or the timer tick).
    func sendProtected(on transport: WebRTCTransport, isRTCP: Bool, maxLength: Int, write: (UnsafeMutableRawBufferPointer) -> Int?) {
        guard let path = transport.remotePath, let srtp = transport.srtpOutbound else { return }
        let needed = maxLength + SRTPSession.maxRTCPTrailer
        // A cheap switch: UDP (the hot path) writes into a batch sender's slot;
        // ICE-TCP gets a buffer of its own with the RFC 4571 length prefix
        // reserved in front.
        switch path {
        case .udp(let address):
            guard let sender = sender(for: address), needed <= UDPBatchSender.slotSize else {
                sendUnbatched(on: transport, to: address, isRTCP: isRTCP, maxLength: maxLength, write: write)
                return
            }
            let length = protect(into: sender.reserve(), with: srtp, isRTCP: isRTCP, maxLength: maxLength, write: write)
            guard length > 0 else {
                metrics.drop(.srtpProtect)
                return
            }
            guard sender.commit(length: length, to: address) else {
                metrics.drop(.sendFailed)
                return
            }
            transport.packetsSent &+= 1
            transport.bytesSent &+= UInt64(length)
            // A full batch leaves now: the first subscribers of a large
            // fan-out do not wait for the last copies to be protected.
            if sender.queued == sender.capacity { record(sender.flush()) }
        case .tcp(let connection):
            var buffer = connection.allocator.buffer(capacity: RFC4571Framer.headerLength + needed)
            buffer.writeInteger(UInt16(0))
            let length = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: needed) { out in
                protect(into: out, with: srtp, isRTCP: isRTCP, maxLength: maxLength, write: write)
            }
            guard length > 0, length <= Int(UInt16.max) else {
                metrics.drop(.srtpProtect)
                return
            }
            transport.packetsSent &+= 1
            transport.bytesSent &+= UInt64(length)
            // RFC 4571 LENGTH: the protected packet after the 2-byte prefix.
            buffer.setInteger(UInt16(truncatingIfNeeded: length), at: buffer.readerIndex)
            connection.send(frame: buffer)
        }
    }

    /// Queued datagrams go out in `sendmmsg` batches of this many while a
    /// fan-out is still being protected, instead of all at the end of the
    /// read batch: the first subscribers of a 500-copy fan-out then get
    /// their copy after 32 protects rather than 500 (N = 500 measured: the
    /// first copy left ≈ 1 ms after the packet arrived).
    static let flushEvery = 32

    /// Sends everything queued: the batch senders, then what waits in the channels and the trunk.
    func flush() {
        if let sender { record(sender.flush()) }
        if let senderV6 { record(senderV6.flush()) }
        channel?.flush()
        channelV6?.flush()
        trunk?.flush()
    }

    private func record(_ result: UDPBatchSender.FlushResult) {
        metrics.drop(.sendFailed, count: result.failed)
        metrics.drop(.sendBufferFull, count: result.overflowed)
    }

    /// A packet too large for a batch slot (or before the sockets are bound):
    /// its own buffer, queued on the channel.
    private func sendUnbatched(
        on transport: WebRTCTransport, to address: SocketAddress, isRTCP: Bool, maxLength: Int,
        write: (UnsafeMutableRawBufferPointer) -> Int?
    ) {
        guard let channel = channel(for: address), let srtp = transport.srtpOutbound else { return }
        let needed = maxLength + SRTPSession.maxRTCPTrailer
        var buffer = channel.allocator.buffer(capacity: needed)
        let length = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: needed) { out in
            protect(into: out, with: srtp, isRTCP: isRTCP, maxLength: maxLength, write: write)
        }
        guard length > 0 else {
            metrics.drop(.srtpProtect)
            return
        }
        transport.packetsSent &+= 1
        transport.bytesSent &+= UInt64(length)
        channel.write(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
    }

    /// Writes the plaintext with `write` at the start of `out` (at least
    /// `maxLength + SRTPSession.maxRTCPTrailer` bytes) and protects it in
    /// place. Returns the protected length, 0 when nothing is to be sent.
    private func protect(
        into out: UnsafeMutableRawBufferPointer, with srtp: SRTPSession, isRTCP: Bool, maxLength: Int,
        write: (UnsafeMutableRawBufferPointer) -> Int?
    ) -> Int {
        let needed = maxLength + SRTPSession.maxRTCPTrailer
        guard out.count >= needed, let plain = write(UnsafeMutableRawBufferPointer(rebasing: out[0..<maxLength])) else { return 0 }
        let region = UnsafeMutableRawBufferPointer(rebasing: out[0..<needed])
        return (try? isRTCP
            ? srtp.protectRTCP(buffer: region, length: plain)
            : srtp.protectRTP(buffer: region, length: plain)) ?? 0
    }

    /// The batch sender of the address family of `address`.
    func sender(for address: SocketAddress) -> UDPBatchSender? {
        address.protocol == primaryFamily ? sender : senderV6
    }

    /// The socket of the address family of `address`.
    func channel(for address: SocketAddress) -> (any Channel)? {
        address.protocol == primaryFamily ? channel : channelV6
    }
}

/// Monotonic nanoseconds since the engine started.
struct NanosecondClock {
    private let origin = ContinuousClock.now

    var now: UInt64 {
        let elapsed = ContinuousClock.now - origin
        let (seconds, attoseconds) = elapsed.components
        return UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    var nowDuration: Duration { ContinuousClock.now - origin }
}

struct ParticipantKey: Hashable {
    let room: RoomName
    let participant: ParticipantID
}

final class ParticipantTransports {
    let publisher: WebRTCTransport
    let subscriber: WebRTCTransport
    /// Which slow tick of every `MediaEngine.reportPhases` sends this participant's RTCP reports.
    let reportPhase: Int

    init(publisher: WebRTCTransport, subscriber: WebRTCTransport, reportPhase: Int) {
        self.publisher = publisher
        self.subscriber = subscriber
        self.reportPhase = reportPhase
    }
}

extension SocketAddress {
    /// The address as STUN writes it in XOR-MAPPED-ADDRESS.
    var stunAddress: STUNAddress? {
        guard let ip = ipAddress, let port else { return nil }
        guard let parsed = STUNAddress.IP(ip) else { return nil }
        return STUNAddress(ip: parsed, port: UInt16(clamping: port))
    }
}
