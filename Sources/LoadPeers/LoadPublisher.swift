import DTLS
import NIOCore
import RTP

/// How a publisher sends.
public struct PublisherConfiguration: Sendable {
    /// The synthetic VP8 stream (packet size, packets per frame, keyframe interval).
    public var video = SyntheticVP8Stream.Configuration()
    /// Video packets per second.
    public var packetRate: Int = 1000
    /// Also publish an Opus track (50 packets/s).
    public var audio: Bool = false
    /// Publish the VP8 track (false: an audio-only publisher; `audio` must then be true).
    public var sendsVideo: Bool = true
    /// How often the pacer wakes up to send what is due.
    public var tick: TimeAmount = .milliseconds(1)
    /// Most packets sent in one tick; more due than that (the loop stalled) are skipped and counted.
    public var maxBurst: Int = 64
    /// Send each video frame's packets together at its frame time (as a
    /// browser does) instead of spreading packets evenly at `packetRate`:
    /// the rate becomes `video.frameRate × video.packetsPerFrame`.
    public var framePacing: Bool = false
    /// Packets kept for answering NACKs (RFC 4585 §6.2.1), per layer.
    public var retransmissionSlots: Int = 1024
    /// Simulcast layers, lowest first (RFC 8853; see
    /// ``SimulcastLayer/chromeLadder(topKbps:frameRate:keyframeInterval:maxPacketSize:payloadType:)``).
    /// Empty (the default): one VP8 encoding as `video` describes. With
    /// layers, `video` and `packetRate` are unused: each layer sends
    /// `frameRate × packetsPerFrame` packets per second on its own SSRC,
    /// with sdes:mid and rtp-stream-id header extensions on every packet.
    public var simulcast: [SimulcastLayer] = []

    public init() {}
}

/// What a publisher sent on one video encoding (one simulcast layer).
public struct LayerStatistics: Sendable, Hashable {
    /// The layer's rid (nil without simulcast).
    public var rid: String?
    public var ssrc: UInt32
    public var packetsSent: UInt64 = 0
    /// RTP bytes (plaintext) sent, retransmissions excluded.
    public var bytesSent: UInt64 = 0
    public var keyframesSent: UInt64 = 0
    /// PLIs and FIRs naming this layer's SSRC.
    public var pliReceived: UInt64 = 0
    public var firReceived: UInt64 = 0
    public var nackedPackets: UInt64 = 0
    public var retransmitted: UInt64 = 0

    public init(rid: String?, ssrc: UInt32) {
        self.rid = rid
        self.ssrc = ssrc
    }
}

/// What a publisher did, for reports.
public struct PublisherStatistics: Sendable, Hashable {
    public var videoPacketsSent: UInt64 = 0
    public var audioPacketsSent: UInt64 = 0
    public var bytesSent: UInt64 = 0
    public var keyframesSent: UInt64 = 0
    /// Packets the pacer skipped because the event loop fell behind.
    public var packetsSkipped: UInt64 = 0
    public var pliReceived: UInt64 = 0
    public var firReceived: UInt64 = 0
    public var nackedPackets: UInt64 = 0
    public var retransmitted: UInt64 = 0
    /// Last REMB the SFU sent, bits per second.
    public var rembBitsPerSecond: UInt64 = 0
    /// Per video encoding: one entry, or one per simulcast layer (lowest first).
    public var layers: [LayerStatistics] = []
}

/// A simulated publisher: offers one VP8 track (or three simulcast layers)
/// and optionally one Opus track, connects as ICE controlling agent and DTLS
/// client, then sends synthetic media at a fixed packet rate, answering
/// PLI/FIR with a keyframe of the named layer and NACK with a retransmission
/// from that layer. State lives on its event loop.
public final class LoadPublisher: @unchecked Sendable {
    public let configuration: PublisherConfiguration
    /// The publisher's SDP offer.
    public let offer: PublisherOffer
    let transport: PeerTransport
    private var eventLoop: any EventLoop { transport.eventLoop }

    /// Video encodings: one, or the simulcast layers lowest first.
    private var videos: [SyntheticVP8Stream]
    private var audio: SyntheticOpusStream?
    private var stats = PublisherStatistics()
    private var pacer: RepeatedTask?
    private var startNanoseconds: UInt64 = 0
    /// Packets accounted for (sent or skipped) since `startSending`, per encoding.
    private var videoPaced: [UInt64]
    private var audioPaced: UInt64 = 0
    private let histories: [RetransmissionBuffer]
    private let feedback: PublisherFeedback

    private init(transport: PeerTransport, configuration: PublisherConfiguration) throws(LoadPeersError) {
        guard configuration.packetRate >= 1, configuration.maxBurst >= 1, configuration.retransmissionSlots >= 1,
              configuration.sendsVideo || configuration.audio, configuration.simulcast.count <= 3,
              Set(configuration.simulcast.map(\.rid)).count == configuration.simulcast.count,
              configuration.simulcast.allSatisfy({ !$0.rid.isEmpty && $0.rid.utf8.count <= 16 })
        else {
            throw .invalidConfiguration(name: "publisher", value: "\(configuration)")
        }
        self.transport = transport
        self.configuration = configuration
        var streams: [SyntheticVP8Stream] = []
        if configuration.simulcast.isEmpty {
            streams.append(try SyntheticVP8Stream(configuration: configuration.video, ssrc: .random(in: 0x1000...0xFFFF_FFF0)))
        } else {
            for layer in configuration.simulcast {
                var video = layer.video
                video.headerExtensions = [
                    RTPHeaderExtension(id: PublisherOffer.midExtensionID, value: Array(PublisherOffer.videoMid.utf8)),
                    RTPHeaderExtension(id: PublisherOffer.rtpStreamIDExtensionID, value: Array(layer.rid.utf8)),
                ]
                var ssrc = UInt32.random(in: 0x1000...0xFFFF_FFF0)
                while streams.contains(where: { $0.ssrc == ssrc }) { ssrc = .random(in: 0x1000...0xFFFF_FFF0) }
                streams.append(try SyntheticVP8Stream(configuration: video, ssrc: ssrc))
            }
        }
        self.videos = streams
        self.videoPaced = [UInt64](repeating: 0, count: streams.count)
        if configuration.audio {
            audio = SyntheticOpusStream(ssrc: .random(in: 0x1000...0xFFFF_FFF0))
        }
        self.offer = PublisherOffer(
            transport: transport.local, videoSSRC: configuration.sendsVideo ? streams.first?.ssrc : nil, audioSSRC: audio?.ssrc,
            simulcastRIDs: configuration.sendsVideo ? configuration.simulcast.map(\.rid) : [])
        self.histories = streams.map {
            RetransmissionBuffer(slots: configuration.retransmissionSlots, slotSize: $0.configuration.packetSize)
        }
        self.feedback = PublisherFeedback(ssrcs: streams.map(\.ssrc))
        let rids: [String?] = configuration.simulcast.isEmpty ? [nil] : configuration.simulcast.map(\.rid)
        stats.layers = zip(rids, streams).map { LayerStatistics(rid: $0, ssrc: $1.ssrc) }
    }

    /// Binds a socket on `eventLoop` and prepares the offer.
    public static func make(
        on eventLoop: any EventLoop, context: DTLSContext, peer: PeerConfiguration = PeerConfiguration(),
        configuration: PublisherConfiguration = PublisherConfiguration()
    ) async throws -> LoadPublisher {
        let transport = try await PeerTransport.bind(eventLoop: eventLoop, configuration: peer, context: context)
        return try await eventLoop.submit {
            let publisher = try LoadPublisher(transport: transport, configuration: configuration)
            transport.handlers.rtcp = { [unowned publisher] packet in publisher.receiveRTCP(packet) }
            return publisher
        }.get()
    }

    /// The offer as SDP text.
    public var offerSDP: String { offer.sdp }

    /// Connects to the SFU described by its answer; returns once SRTP is keyed.
    public func connect(answerSDP: String) async throws {
        let remote = try RemoteTransportDescription(sdp: answerSDP)
        try await eventLoop.flatSubmit { self.transport.connect(to: remote) }.get()
    }

    /// Starts sending at the configured rate.
    public func startSending() async throws {
        try await eventLoop.submit {
            guard self.pacer == nil else { return }
            self.startNanoseconds = MonotonicClock.nanoseconds()
            self.videoPaced = [UInt64](repeating: 0, count: self.videos.count)
            self.audioPaced = 0
            self.pacer = self.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: self.configuration.tick) {
                [weak self] _ in self?.pace()
            }
        }.get()
    }

    /// Stops sending.
    public func stopSending() async throws {
        try await eventLoop.submit {
            self.pacer?.cancel()
            self.pacer = nil
        }.get()
    }

    /// A snapshot of the counters.
    public func statistics() async throws -> PublisherStatistics {
        try await eventLoop.submit { self.stats }.get()
    }

    /// Stops sending and closes the socket.
    public func close() async {
        try? await eventLoop.flatSubmit {
            self.pacer?.cancel()
            self.pacer = nil
            return self.transport.close()
        }.get()
    }

    // MARK: on the loop

    private func pace() {
        let now = MonotonicClock.nanoseconds()
        let elapsed = now &- startNanoseconds
        if configuration.sendsVideo {
            for layer in videos.indices { paceVideo(layer: layer, elapsed: elapsed) }
        }
        if audio != nil {
            let audioTarget = elapsed / 20_000_000
            var audioDue = audioTarget > audioPaced ? audioTarget - audioPaced : 0
            if audioDue > 4 {
                audioPaced &+= audioDue - 4
                audioDue = 4
            }
            for _ in 0..<audioDue {
                let sent = transport.sendProtected(isRTCP: false, maxLength: SyntheticOpusStream.packetSize) { out in
                    audio?.writeNext(into: out, sendTime: MonotonicClock.nanoseconds()) ?? 0
                }
                guard sent else { break }
                audioPaced &+= 1
                stats.audioPacketsSent &+= 1
            }
        }
        transport.flush()
    }

    /// Sends what is due of one video encoding: whole frames at their frame
    /// times (`framePacing`), else packets spread evenly at its packet rate.
    private func paceVideo(layer: Int, elapsed: UInt64) {
        let video = videos[layer].configuration
        let frameRate = UInt64(video.frameRate)
        let packetsPerFrame = UInt64(video.packetsPerFrame)
        let packetRate = configuration.simulcast.isEmpty ? UInt64(configuration.packetRate) : frameRate * packetsPerFrame
        let target = configuration.framePacing
            ? (elapsed / 1_000 * frameRate / 1_000_000 + 1) * packetsPerFrame
            : elapsed / 1_000 * packetRate / 1_000_000
        var due = target > videoPaced[layer] ? target - videoPaced[layer] : 0
        if due > UInt64(configuration.maxBurst) {
            stats.packetsSkipped &+= due - UInt64(configuration.maxBurst)
            videoPaced[layer] &+= due - UInt64(configuration.maxBurst)
            due = UInt64(configuration.maxBurst)
        }
        let size = video.packetSize
        let history = histories[layer]
        for _ in 0..<due {
            var keyframe = false
            let sent = transport.sendProtected(isRTCP: false, maxLength: size) { out in
                let written = videos[layer].writeNext(into: out, sendTime: MonotonicClock.nanoseconds())
                keyframe = written.keyframe
                history.store(UnsafeRawBufferPointer(rebasing: out[0..<written.length]))
                return written.length
            }
            guard sent else { break }
            if keyframe {
                stats.keyframesSent &+= 1
                stats.layers[layer].keyframesSent &+= 1
            }
            videoPaced[layer] &+= 1
            stats.videoPacketsSent &+= 1
            stats.bytesSent &+= UInt64(size)
            stats.layers[layer].packetsSent &+= 1
            stats.layers[layer].bytesSent &+= UInt64(size)
        }
    }

    private func receiveRTCP(_ packet: UnsafeRawBufferPointer) {
        var retransmitted = false
        for request in feedback.requests(in: packet) {
            switch request {
            case .pictureLoss(let layer):
                stats.pliReceived &+= 1
                stats.layers[layer].pliReceived &+= 1
                videos[layer].requestKeyframe()
            case .fullIntra(let layer):
                stats.firReceived &+= 1
                stats.layers[layer].firReceived &+= 1
                videos[layer].requestKeyframe()
            case .retransmit(let layer, let sequenceNumber):
                stats.nackedPackets &+= 1
                stats.layers[layer].nackedPackets &+= 1
                retransmit(sequenceNumber, layer: layer)
                retransmitted = true
            case .bitrate(let bitsPerSecond):
                stats.rembBitsPerSecond = bitsPerSecond
            }
        }
        if retransmitted { transport.flush() }
    }

    private func retransmit(_ sequenceNumber: UInt16, layer: Int) {
        let history = histories[layer]
        let length = history.length(of: sequenceNumber)
        guard length > 0 else { return }
        let sent = transport.sendProtected(isRTCP: false, maxLength: length) { out in
            history.copy(sequenceNumber, into: out)
        }
        if sent {
            stats.retransmitted &+= 1
            stats.layers[layer].retransmitted &+= 1
        }
    }
}
