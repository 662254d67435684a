import DTLS
import NIOCore
import NIOPosix
import SRTP
import STUN

/// Settings shared by every simulated peer.
public struct PeerConfiguration: Sendable {
    /// Address each peer's UDP socket binds to (loopback only for tests and benchmarks).
    public var bindHost: String = "127.0.0.1"
    /// Connectivity checks are repeated this often until one is answered.
    public var checkInterval: TimeAmount = .milliseconds(50)
    /// Unanswered checks are repeated at growing intervals (×2 from
    /// `checkInterval`) up to this one.
    public var maxCheckInterval: TimeAmount = .milliseconds(100)
    /// Consent refresh (RFC 7675 §5.1 says 5 s on average) once connected.
    public var consentInterval: TimeAmount = .seconds(5)
    /// Datagrams read per `recvmmsg` call.
    public var vectorReadCount: Int = 8
    /// SO_RCVBUF of each peer socket.
    public var receiveBufferBytes: Int = 1 << 20
    /// Largest DTLS datagram.
    public var mtu: Int = 1200
    /// ICE plus DTLS must complete within this time, or `connect` fails.
    public var connectTimeout: TimeAmount = .seconds(20)
    /// Connect over ICE-TCP (RFC 6544, active side; RFC 4571 framing) to the
    /// server's passive TCP candidate instead of UDP.
    public var useTCP = false
    /// Switch on kernel receive timestamps for `lastSocketArrival` (the
    /// fan-out benchmark's "at socket" latency). Off by default: once any
    /// socket asks, the kernel stamps every packet it receives, also inside
    /// the SFU's sends on loopback (measured: ≈ 10 % more SFU CPU at
    /// 1,500 packets/s to 10 subscribers).
    public var socketTimestamps = false

    public init() {}
}

/// One simulated peer connection's transport: a UDP socket, the controlling
/// side of ICE towards an ICE-lite server, the DTLS client and the SRTP
/// sessions keyed from it. Confined to its channel's event loop; the owner
/// (publisher or subscriber) gets plaintext RTCP and raw or decrypted RTP.
final class PeerTransport: @unchecked Sendable {
    enum State: Equatable {
        case idle
        case checking
        case handshaking
        case connected
        case failed(String)
    }

    /// What the owner receives. `decrypted` is false for RTP packets passed
    /// on without SRTP processing (see `decryptEvery`): their header is
    /// readable (RFC 3711 §3.1 leaves it in the clear), their payload is not.
    struct Handlers {
        var rtp: (UnsafeRawBufferPointer, _ decrypted: Bool) -> Void = { _, _ in }
        var rtcp: (UnsafeRawBufferPointer) -> Void = { _ in }
    }

    let eventLoop: any EventLoop
    let configuration: PeerConfiguration
    let local: LocalTransportDescription
    private(set) var state: State = .idle
    var handlers = Handlers()
    /// Unprotect one RTP packet in this many (1: all); the others are counted from their clear header.
    var decryptEvery = 1

    private let dtlsContext: DTLSContext
    private var channel: (any Channel)?
    /// The UDP socket under `channel` (NIO owns and closes it).
    private var socketDescriptor: CInt?
    /// The ICE-TCP connection when `configuration.useTCP`; every packet goes there.
    private var tcpChannel: (any Channel)?
    private var remoteAddress: SocketAddress?
    private var check: ICEConnectivityCheck?
    private var outstanding: [STUNTransactionID] = []
    private var dtls: DTLSEndpoint?
    private var srtpInbound: SRTPSession?
    private var srtpOutbound: SRTPSession?
    private var timer: RepeatedTask?
    private var connected: EventLoopPromise<Void>?
    private let scratch: UnsafeMutableRawBufferPointer
    private var rtpCounter = 0
    private var nextCheckAt: UInt64 = 0
    private var checkBackoff: UInt64 = 50_000_000

    // Counters (read on the loop).
    private(set) var datagramsReceived: UInt64 = 0
    private(set) var srtpErrors: UInt64 = 0
    private(set) var checksSent: UInt64 = 0

    private init(eventLoop: any EventLoop, configuration: PeerConfiguration, context: DTLSContext, local: LocalTransportDescription) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.dtlsContext = context
        self.local = local
        self.scratch = .allocate(byteCount: 2048, alignment: 16)
    }

    deinit {
        scratch.deallocate()
    }

    /// Binds a UDP socket on `eventLoop` and returns the transport with fresh ICE credentials.
    static func bind(eventLoop: any EventLoop, configuration: PeerConfiguration, context: DTLSContext) async throws -> PeerTransport {
        let holder = TransportHolder()
        let descriptor = try SocketArrival.boundSocket(host: configuration.bindHost, timestamps: configuration.socketTimestamps)
        let channel = try await DatagramBootstrap(group: eventLoop)
            .channelOption(.datagramVectorReadMessageCount, value: configuration.vectorReadCount)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048 * configuration.vectorReadCount))
            .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(configuration.receiveBufferBytes))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(PeerChannelHandler(holder: holder))
                }
            }
            .withBoundSocket(descriptor: descriptor)
            .get()
        let port = UInt16(clamping: channel.localAddress?.port ?? 0)
        let local = LocalTransportDescription.random(
            fingerprint: context.certificate.fingerprint(.sha256), host: configuration.bindHost, port: port)
        return try await eventLoop.submit {
            let transport = PeerTransport(eventLoop: eventLoop, configuration: configuration, context: context, local: local)
            transport.channel = channel
            transport.socketDescriptor = descriptor
            holder.transport = transport
            return transport
        }.get()
    }

    /// When the kernel queued the UDP socket's latest datagram (see
    /// `SocketArrival`); nil over ICE-TCP or once closed.
    func lastSocketArrival() -> UInt64? {
        guard configuration.socketTimestamps, !configuration.useTCP, channel?.isActive == true, let socketDescriptor else {
            return nil
        }
        return SocketArrival.lastArrival(socketDescriptor)
    }

    // MARK: connecting (on the loop)

    /// Starts ICE towards the server in `remote` and then the DTLS handshake as
    /// client; the future completes once SRTP keys are in place.
    func connect(to remote: RemoteTransportDescription) -> EventLoopFuture<Void> {
        eventLoop.assertInEventLoop()
        let promise = eventLoop.makePromise(of: Void.self)
        guard state == .idle else {
            promise.fail(LoadPeersError.transport("connect called twice"))
            return promise.futureResult
        }
        do {
            remoteAddress = try SocketAddress(ipAddress: remote.candidateHost, port: Int(remote.candidatePort))
            var dtlsConfiguration = DTLSEndpoint.Configuration()
            dtlsConfiguration.mtu = configuration.mtu
            dtlsConfiguration.initialRetransmitTimeout = .milliseconds(200)
            // RFC 5763 §5: the answerer's a=setup decides; a remote "active"
            // (Janus answering our actpass offer) makes us the DTLS server.
            dtls = try dtlsContext.makeEndpoint(
                role: remote.setup == .active ? .server : .client, expectedPeerFingerprints: remote.fingerprints, configuration: dtlsConfiguration)
        } catch {
            promise.fail(LoadPeersError.transport("\(error)"))
            return promise.futureResult
        }
        check = ICEConnectivityCheck(
            remoteUfrag: remote.ufrag, remotePassword: remote.password, localUfrag: local.ufrag, localPassword: local.password)
        connected = promise
        state = .checking
        if configuration.useTCP {
            guard let host = remote.tcpCandidateHost, let port = remote.tcpCandidatePort else {
                fail("the server offers no TCP candidate")
                return promise.futureResult
            }
            let holder = TransportHolder()
            holder.transport = self
            ClientBootstrap(group: eventLoop)
                .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(configuration.receiveBufferBytes))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(PeerTCPHandler(holder: holder))
                    }
                }
                .connect(host: host, port: Int(port))
                .whenComplete { [weak self] result in
                    guard let self else { return }
                    switch result {
                    case .success(let channel):
                        self.tcpChannel = channel
                        self.startChecks()
                    case .failure(let error):
                        self.fail("tcp connect: \(error)")
                    }
                }
        } else {
            startChecks()
        }
        let timeout = configuration.connectTimeout
        eventLoop.scheduleTask(in: timeout) { [weak self] in
            guard let self, self.state != .connected else { return }
            self.fail("not connected after \(Double(timeout.nanoseconds) / 1e9) s (state \(self.state))")
        }
        return promise.futureResult
    }

    private func startChecks() {
        guard state == .checking else { return }
        checkBackoff = UInt64(max(1, configuration.checkInterval.nanoseconds))
        nextCheckAt = MonotonicClock.nanoseconds() &+ checkBackoff
        sendCheck()
        timer = eventLoop.scheduleRepeatedTask(initialDelay: configuration.checkInterval, delay: configuration.checkInterval) {
            [weak self] _ in self?.handshakeTick()
        }
    }

    /// Stops reading the ICE-TCP connection (the socket's receive buffer
    /// fills and the server's sends back up): a subscriber that stalls.
    func stopReading() {
        tcpChannel?.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
    }

    private func handshakeTick() {
        switch state {
        case .checking:
            // Back off (50, 100 ms … up to maxCheckInterval) so a busy server
            // is not flooded with retransmitted checks (RFC 8445 §14 paces checks).
            let now = MonotonicClock.nanoseconds()
            guard now >= nextCheckAt else { return }
            checkBackoff = min(checkBackoff * 2, UInt64(max(1, configuration.maxCheckInterval.nanoseconds)))
            nextCheckAt = now &+ checkBackoff
            sendCheck()
        case .handshaking:
            guard let dtls, let due = dtls.timeUntilTimeout(), due <= .zero else { return }
            do {
                try send(datagrams: dtls.handleTimeout())
            } catch {
                fail("dtls: \(error)")
            }
        case .idle, .connected, .failed:
            break
        }
    }

    private func sendCheck() {
        guard let check, let remoteAddress else { return }
        do {
            let (bytes, transactionID) = try check.request()
            outstanding.append(transactionID)
            if outstanding.count > 64 { outstanding.removeFirst() }
            checksSent &+= 1
            try send(datagrams: [bytes], to: remoteAddress)
        } catch {
            fail("ice: \(error)")
        }
    }

    private func fail(_ reason: String) {
        guard state != .connected, !isFailed else { return }
        state = .failed(reason)
        timer?.cancel()
        timer = nil
        connected?.fail(LoadPeersError.transport(reason))
        connected = nil
    }

    private var isFailed: Bool {
        if case .failed = state { return true }
        return false
    }

    // MARK: receiving (on the loop)

    func receive(_ bytes: UnsafeRawBufferPointer, from source: SocketAddress? = nil) {
        datagramsReceived &+= 1
        guard let first = bytes.first else { return }
        switch first {
        case 0...3: receiveSTUN(bytes, from: source)
        case 20...63: receiveDTLS(bytes)
        case 128...191:
            guard bytes.count >= 2 else { return }
            if (192...223).contains(bytes[1]) { receiveSRTCP(bytes) } else { receiveSRTP(bytes) }
        default: return
        }
    }

    private func receiveSTUN(_ bytes: UnsafeRawBufferPointer, from source: SocketAddress?) {
        guard let check else { return }
        if let source, let ip = source.ipAddress, let port = source.port, let address = STUNAddress.IP(ip),
           let response = check.response(to: bytes, from: STUNAddress(ip: address, port: UInt16(clamping: port))) {
            try? send(datagrams: [response], to: source)
            return
        }
        switch check.interpret(bytes) {
        case .success(let transactionID, _):
            guard let index = outstanding.firstIndex(of: transactionID) else { return }
            outstanding.remove(at: index)
            guard state == .checking, let dtls else { return }
            state = .handshaking
            do {
                try send(datagrams: dtls.start())
            } catch {
                fail("dtls start: \(error)")
            }
        case .error(_, let code):
            fail("binding error response \(code)")
        case .ignored:
            return
        }
    }

    private func receiveDTLS(_ bytes: UnsafeRawBufferPointer) {
        guard let dtls else { return }
        do {
            try send(datagrams: dtls.receive(bytes))
        } catch DTLSError.malformedRecord {
            return
        } catch {
            try? send(datagrams: dtls.takeOutgoingDatagrams())
            fail("dtls: \(error)")
            return
        }
        guard dtls.state == .connected, state == .handshaking || state == .checking else { return }
        do {
            let material = try dtls.exportSRTPKeyingMaterial()
            let localKeys = material.localKeys(for: dtls.role)
            let remoteKeys = material.remoteKeys(for: dtls.role)
            let pair = try SRTPSessionPair(
                profileID: material.profile.rawValue,
                localMasterKey: localKeys.key, localMasterSalt: localKeys.salt,
                remoteMasterKey: remoteKeys.key, remoteMasterSalt: remoteKeys.salt)
            srtpInbound = pair.inbound
            srtpOutbound = pair.outbound
        } catch {
            fail("srtp: \(error)")
            return
        }
        state = .connected
        timer?.cancel()
        timer = eventLoop.scheduleRepeatedTask(initialDelay: configuration.consentInterval, delay: configuration.consentInterval) {
            [weak self] _ in self?.sendCheck()
        }
        connected?.succeed(())
        connected = nil
    }

    private func receiveSRTP(_ bytes: UnsafeRawBufferPointer) {
        guard let srtpInbound, bytes.count <= scratch.count else { return }
        rtpCounter &+= 1
        if decryptEvery > 1, rtpCounter % decryptEvery != 0 {
            handlers.rtp(bytes, false)
            return
        }
        UnsafeMutableRawBufferPointer(rebasing: scratch[0..<bytes.count]).copyMemory(from: bytes)
        guard let length = try? srtpInbound.unprotectRTP(buffer: scratch, length: bytes.count) else {
            srtpErrors &+= 1
            return
        }
        handlers.rtp(UnsafeRawBufferPointer(rebasing: scratch[0..<length]), true)
    }

    private func receiveSRTCP(_ bytes: UnsafeRawBufferPointer) {
        guard let srtpInbound, bytes.count <= scratch.count else { return }
        UnsafeMutableRawBufferPointer(rebasing: scratch[0..<bytes.count]).copyMemory(from: bytes)
        guard let length = try? srtpInbound.unprotectRTCP(buffer: scratch, length: bytes.count) else {
            srtpErrors &+= 1
            return
        }
        handlers.rtcp(UnsafeRawBufferPointer(rebasing: scratch[0..<length]))
    }

    // MARK: sending (on the loop)

    private func send(datagrams: [[UInt8]], to address: SocketAddress? = nil) throws {
        if let tcpChannel {
            for datagram in datagrams where !datagram.isEmpty && datagram.count <= Int(UInt16.max) {
                var buffer = tcpChannel.allocator.buffer(capacity: datagram.count + 2)
                buffer.writeInteger(UInt16(truncatingIfNeeded: datagram.count))
                buffer.writeBytes(datagram)
                tcpChannel.write(buffer, promise: nil)
            }
            tcpChannel.flush()
            return
        }
        guard let channel, let address = address ?? remoteAddress, !datagrams.isEmpty else { return }
        for datagram in datagrams {
            var buffer = channel.allocator.buffer(capacity: datagram.count)
            buffer.writeBytes(datagram)
            channel.write(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
        }
        channel.flush()
    }

    /// Writes one plaintext RTP or RTCP packet with `write` (into at most
    /// `maxLength` bytes), protects it and queues it; `flush()` sends the queue.
    /// Returns false when not connected or protection failed.
    @discardableResult
    func sendProtected(isRTCP: Bool, maxLength: Int, write: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        guard let channel, let address = remoteAddress, let srtp = srtpOutbound else { return false }
        let capacity = maxLength + SRTPSession.maxRTCPTrailer
        var buffer = channel.allocator.buffer(capacity: capacity + 2)
        if tcpChannel != nil { buffer.writeInteger(UInt16(0)) }
        let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { out in
            let plain = write(UnsafeMutableRawBufferPointer(rebasing: out[0..<maxLength]))
            guard plain > 0 else { return 0 }
            do {
                return isRTCP ? try srtp.protectRTCP(buffer: out, length: plain) : try srtp.protectRTP(buffer: out, length: plain)
            } catch {
                return 0
            }
        }
        guard written > 0 else { return false }
        if let tcpChannel {
            buffer.setInteger(UInt16(truncatingIfNeeded: written), at: buffer.readerIndex)
            tcpChannel.write(buffer, promise: nil)
            return true
        }
        channel.write(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
        return true
    }

    func flush() {
        channel?.flush()
        tcpChannel?.flush()
    }

    /// Stops timers and closes the socket.
    func close() -> EventLoopFuture<Void> {
        eventLoop.assertInEventLoop()
        timer?.cancel()
        timer = nil
        fail("closed")
        state = .failed("closed")
        tcpChannel?.close(promise: nil)
        tcpChannel = nil
        guard let channel else { return eventLoop.makeSucceededVoidFuture() }
        self.channel = nil
        return channel.close().recover { _ in }
    }
}
