import DTLS
import NIOCore
import RTP
import SDP

/// What a subscriber received in the current window.
public struct SubscriberStatistics: Sendable, Hashable {
    /// Per SSRC the server offered.
    public var streams: [UInt32: StreamReceiveStatistics] = [:]
    /// Publisher send → subscriber receive, nanoseconds, over the decrypted packets.
    public var latency = LatencyHistogram()
    /// Publisher send → the kernel queued the packet on the subscriber's UDP
    /// socket (`SocketArrival`), nanoseconds, over the decrypted packets:
    /// the path without the load generator's own queueing.
    public var socketLatency = LatencyHistogram()
    /// RTP packets whose SSRC the offer did not list.
    public var unknownSSRC: UInt64 = 0
    /// Datagrams that failed SRTP authentication (since connecting).
    public var srtpErrors: UInt64 = 0
    /// RFC 3550 interarrival jitter per SSRC, milliseconds (since connecting).
    public var jitterMilliseconds: [UInt32: Double] = [:]
    /// The offer's msid track id per SSRC, when it had one.
    public var trackIDs: [UInt32: String] = [:]
    /// Video SSRCs among `streams`.
    public var videoSSRCs: Set<UInt32> = []
    /// `MonotonicClock` time of the first RTP packet, and of the first video packet (since creation).
    public var firstPacketAt: UInt64?
    public var firstVideoPacketAt: UInt64?
    /// Generic NACK packets and PLIs this subscriber sent (since creation).
    public var nacksSent: UInt64 = 0
    public var plisSent: UInt64 = 0
    /// Frame size of the last keyframe received per video SSRC (which
    /// simulcast layer the SFU forwards: each layer has its own size).
    public var keyframeSizes: [UInt32: FrameSize] = [:]

    public init() {}
}

/// A simulated subscriber: answers the SFU's offer with `a=setup:active`,
/// connects as ICE controlling agent and DTLS client, and counts what
/// arrives per SSRC (packets, loss by sequence gaps, latency from the send
/// time the publisher embedded). State lives on its event loop.
public final class LoadSubscriber: @unchecked Sendable {
    let transport: PeerTransport
    private var eventLoop: any EventLoop { transport.eventLoop }
    private var remote: RemoteTransportDescription?
    /// Offered streams, in a small array (linear search beats hashing for one or two).
    private var ssrcs: [UInt32] = []
    private var isAudio: [Bool] = []
    private var streams: [StreamReceiveStatistics] = []
    private var latency = LatencyHistogram()
    private var socketLatency = LatencyHistogram()
    private var unknownSSRC: UInt64 = 0
    private var jitter: [JitterEstimator] = []
    private var trackIDs: [String?] = []
    private var lastSequence: [UInt16?] = []
    private var lastPLI: [UInt64] = []
    private var keyframeSizes: [FrameSize?] = []
    private var firstPacketAt: UInt64?
    private var firstVideoPacketAt: UInt64?
    private var nacksSent: UInt64 = 0
    private var plisSent: UInt64 = 0
    private let localSSRC = UInt32.random(in: 0x1000...0xFFFF_FFF0)
    /// Gaps up to this many packets are NACKed (RFC 4585 §6.2.1); larger
    /// gaps in a video stream get a PLI (RFC 4585 §6.3.1) instead.
    public static let nackableGap = 16

    private init(transport: PeerTransport) {
        self.transport = transport
    }

    /// Binds a socket on `eventLoop`. `decryptEvery` > 1 unprotects only one
    /// RTP packet in that many (latency is sampled from those; loss is
    /// counted over all of them from the clear RTP header).
    public static func make(
        on eventLoop: any EventLoop, context: DTLSContext, peer: PeerConfiguration = PeerConfiguration(),
        decryptEvery: Int = 1
    ) async throws -> LoadSubscriber {
        guard decryptEvery >= 1 else { throw LoadPeersError.invalidConfiguration(name: "decryptEvery", value: "\(decryptEvery)") }
        let transport = try await PeerTransport.bind(eventLoop: eventLoop, configuration: peer, context: context)
        return try await eventLoop.submit {
            let subscriber = LoadSubscriber(transport: transport)
            transport.decryptEvery = decryptEvery
            transport.handlers.rtp = { [unowned subscriber] packet, decrypted in subscriber.receiveRTP(packet, decrypted: decrypted) }
            return subscriber
        }.get()
    }

    /// Answers the SFU's offer (and remembers its transport parameters and streams).
    public func answer(offerSDP: String) async throws -> String {
        let offer: SessionDescription
        do {
            offer = try SessionDescription(parsing: offerSDP)
        } catch {
            throw LoadPeersError.remoteDescription("\(error)")
        }
        let remote = try RemoteTransportDescription(offer)
        let answer = try SubscriberAnswer(transport: transport.local).answer(to: offer).serialize()
        try await eventLoop.submit {
            self.remote = remote
            for stream in remote.streams where !self.ssrcs.contains(stream.ssrc) {
                self.ssrcs.append(stream.ssrc)
                self.isAudio.append(stream.kind == .audio)
                self.streams.append(StreamReceiveStatistics())
                self.jitter.append(JitterEstimator(clockRate: stream.kind == .audio ? 48_000 : 90_000))
                self.trackIDs.append(stream.trackID)
                self.lastSequence.append(nil)
                self.lastPLI.append(0)
                self.keyframeSizes.append(nil)
            }
        }.get()
        return answer
    }

    /// Connects to the SFU whose offer was answered; returns once SRTP is keyed.
    public func connect() async throws {
        try await eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            guard let remote = self.remote else {
                return self.eventLoop.makeFailedFuture(LoadPeersError.remoteDescription("no server offer answered yet"))
            }
            return self.transport.connect(to: remote)
        }.get()
    }

    /// Starts a new measurement window: counts and latency start from zero.
    public func beginWindow() async throws {
        try await eventLoop.submit {
            for index in self.streams.indices { self.streams[index].beginWindow() }
            self.latency.reset()
            self.socketLatency.reset()
            self.unknownSSRC = 0
        }.get()
    }

    /// A snapshot of the current window.
    public func statistics() async throws -> SubscriberStatistics {
        try await eventLoop.submit {
            var snapshot = SubscriberStatistics()
            for (index, ssrc) in self.ssrcs.enumerated() { snapshot.streams[ssrc] = self.streams[index] }
            snapshot.latency = self.latency
            snapshot.socketLatency = self.socketLatency
            snapshot.unknownSSRC = self.unknownSSRC
            snapshot.srtpErrors = self.transport.srtpErrors
            for (index, ssrc) in self.ssrcs.enumerated() {
                snapshot.jitterMilliseconds[ssrc] = self.jitter[index].milliseconds
                if let trackID = self.trackIDs[index] { snapshot.trackIDs[ssrc] = trackID }
                if !self.isAudio[index] { snapshot.videoSSRCs.insert(ssrc) }
                if let size = self.keyframeSizes[index] { snapshot.keyframeSizes[ssrc] = size }
            }
            snapshot.firstPacketAt = self.firstPacketAt
            snapshot.firstVideoPacketAt = self.firstVideoPacketAt
            snapshot.nacksSent = self.nacksSent
            snapshot.plisSent = self.plisSent
            return snapshot
        }.get()
    }

    /// Stops reading its ICE-TCP connection: from now on this subscriber is
    /// a client that cannot keep up (its kernel buffers fill, the server's
    /// queue for it fills). No effect over UDP.
    public func stopReading() async throws {
        try await eventLoop.submit { self.transport.stopReading() }.get()
    }

    /// Closes the socket.
    public func close() async {
        try? await eventLoop.flatSubmit { self.transport.close() }.get()
    }

    // MARK: on the loop

    private func receiveRTP(_ packet: UnsafeRawBufferPointer, decrypted: Bool) {
        guard let header = try? RTPHeaderView(parsing: packet) else { return }
        let ssrc = header.ssrc.rawValue
        guard let index = ssrcs.firstIndex(of: ssrc) else {
            unknownSSRC &+= 1
            return
        }
        let arrival = MonotonicClock.nanoseconds()
        if firstPacketAt == nil { firstPacketAt = arrival }
        if !isAudio[index], firstVideoPacketAt == nil { firstVideoPacketAt = arrival }
        jitter[index].record(rtpTimestamp: header.timestamp, arrivalNanoseconds: arrival)
        detectGap(index: index, sequenceNumber: header.sequenceNumber, now: arrival)
        guard streams[index].record(sequenceNumber: header.sequenceNumber, bytes: packet.count), decrypted else { return }
        let payload = header.payload(in: packet)
        if !isAudio[index], let size = SyntheticVP8Stream.keyframeSize(inPayload: payload) { keyframeSizes[index] = size }
        let sent = isAudio[index] ? SyntheticOpusStream.sendTime(inPayload: payload) : SyntheticVP8Stream.sendTime(inPayload: payload)
        let now = MonotonicClock.nanoseconds()
        guard let sent, sent <= now else { return }
        latency.record(now - sent)
        if let arrival = transport.lastSocketArrival(), arrival >= sent, arrival <= now {
            socketLatency.record(arrival - sent)
        }
    }

    /// Sends a NACK for a small gap before `sequenceNumber`, a PLI for a large one in video.
    private func detectGap(index: Int, sequenceNumber: UInt16, now: UInt64) {
        defer {
            if let last = lastSequence[index], sequenceNumber &- last >= 0x8000 {
                // older (reordered or retransmitted) packet: keep the highest
            } else {
                lastSequence[index] = sequenceNumber
            }
        }
        guard let last = lastSequence[index] else { return }
        let delta = sequenceNumber &- last
        guard delta > 1, delta < 0x8000 else { return }
        let missing = Int(delta) - 1
        let mediaSSRC = SSRC(ssrcs[index])
        if missing <= Self.nackableGap {
            let lost = (1...missing).map { last &+ UInt16($0) }
            let nack = GenericNACK(senderSSRC: SSRC(localSSRC), mediaSSRC: mediaSSRC, lost: lost)
            if transport.sendProtected(isRTCP: true, maxLength: 256, write: { (try? nack.write(into: $0)) ?? 0 }) {
                nacksSent &+= 1
            }
        } else if !isAudio[index], now &- lastPLI[index] > 500_000_000 {
            lastPLI[index] = now
            let pli = PictureLossIndication(senderSSRC: SSRC(localSSRC), mediaSSRC: mediaSSRC)
            if transport.sendProtected(isRTCP: true, maxLength: 64, write: { (try? pli.write(into: $0)) ?? 0 }) {
                plisSent &+= 1
            }
        }
        transport.flush()
    }
}
