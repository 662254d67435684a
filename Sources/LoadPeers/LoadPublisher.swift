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
    /// Packets kept for answering NACKs (RFC 4585 §6.2.1).
    public var retransmissionSlots: Int = 1024

    public init() {}
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
}

/// A simulated publisher: offers one VP8 (and optionally one Opus) track,
/// connects as ICE controlling agent and DTLS client, then sends synthetic
/// media at a fixed packet rate, answering PLI/FIR with a keyframe and NACK
/// with a retransmission. State lives on its event loop.
public final class LoadPublisher: @unchecked Sendable {
    public let configuration: PublisherConfiguration
    /// The publisher's SDP offer.
    public let offer: PublisherOffer
    let transport: PeerTransport
    private var eventLoop: any EventLoop { transport.eventLoop }

    private var video: SyntheticVP8Stream
    private var audio: SyntheticOpusStream?
    private var stats = PublisherStatistics()
    private var pacer: RepeatedTask?
    private var startNanoseconds: UInt64 = 0
    /// Packets accounted for (sent or skipped) since `startSending`.
    private var videoPaced: UInt64 = 0
    private var audioPaced: UInt64 = 0
    private let history: RetransmissionBuffer

    private init(transport: PeerTransport, configuration: PublisherConfiguration) throws(LoadPeersError) {
        guard configuration.packetRate >= 1, configuration.maxBurst >= 1, configuration.retransmissionSlots >= 1,
              configuration.sendsVideo || configuration.audio
        else {
            throw .invalidConfiguration(name: "publisher", value: "\(configuration)")
        }
        self.transport = transport
        self.configuration = configuration
        self.video = try SyntheticVP8Stream(configuration: configuration.video, ssrc: .random(in: 0x1000...0xFFFF_FFF0))
        if configuration.audio {
            audio = SyntheticOpusStream(ssrc: .random(in: 0x1000...0xFFFF_FFF0))
        }
        self.offer = PublisherOffer(
            transport: transport.local, videoSSRC: configuration.sendsVideo ? video.ssrc : nil, audioSSRC: audio?.ssrc)
        self.history = RetransmissionBuffer(slots: configuration.retransmissionSlots, slotSize: SyntheticVP8Stream.maximumPacketSize)
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
            self.videoPaced = 0
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
        let videoTarget = configuration.framePacing
            ? (elapsed / 1_000 * UInt64(configuration.video.frameRate) / 1_000_000 + 1) * UInt64(configuration.video.packetsPerFrame)
            : elapsed / 1_000 * UInt64(configuration.packetRate) / 1_000_000
        var due = videoTarget > videoPaced ? videoTarget - videoPaced : 0
        if !configuration.sendsVideo { due = 0 }
        if due > UInt64(configuration.maxBurst) {
            stats.packetsSkipped &+= due - UInt64(configuration.maxBurst)
            videoPaced &+= due - UInt64(configuration.maxBurst)
            due = UInt64(configuration.maxBurst)
        }
        let size = configuration.video.packetSize
        for _ in 0..<due {
            let sent = transport.sendProtected(isRTCP: false, maxLength: size) { out in
                let (length, keyframe) = video.writeNext(into: out, sendTime: MonotonicClock.nanoseconds())
                if keyframe { stats.keyframesSent &+= 1 }
                history.store(UnsafeRawBufferPointer(rebasing: out[0..<length]))
                return length
            }
            guard sent else { break }
            videoPaced &+= 1
            stats.videoPacketsSent &+= 1
            stats.bytesSent &+= UInt64(size)
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

    private func receiveRTCP(_ packet: UnsafeRawBufferPointer) {
        var reader = RTCPCompoundReader(packet)
        while let rtcp = try? reader.next() {
            switch rtcp {
            case .pictureLossIndication(let pli) where pli.mediaSSRC.rawValue == video.ssrc:
                stats.pliReceived &+= 1
                video.requestKeyframe()
            case .fullIntraRequest(let fir) where fir.entries.contains(where: { $0.ssrc.rawValue == video.ssrc }):
                stats.firReceived &+= 1
                video.requestKeyframe()
            case .genericNACK(let nack) where nack.mediaSSRC.rawValue == video.ssrc:
                for pair in nack.pairs {
                    pair.forEachLost { sequenceNumber in
                        stats.nackedPackets &+= 1
                        retransmit(sequenceNumber)
                    }
                }
                transport.flush()
            case .receiverEstimatedMaxBitrate(let remb):
                stats.rembBitsPerSecond = UInt64(remb.mantissa) << UInt64(min(remb.exponent, 45))
            default:
                continue
            }
        }
    }

    private func retransmit(_ sequenceNumber: UInt16) {
        let length = history.length(of: sequenceNumber)
        guard length > 0 else { return }
        let sent = transport.sendProtected(isRTCP: false, maxLength: length) { out in
            history.copy(sequenceNumber, into: out)
        }
        if sent { stats.retransmitted &+= 1 }
    }
}

/// The last `slots` plaintext RTP packets sent, by sequence number (slot =
/// sequence mod slots), in one preallocated block.
final class RetransmissionBuffer {
    private let slots: Int
    private let slotSize: Int
    private let storage: UnsafeMutableRawBufferPointer
    private var sequence: [UInt16]
    private var lengths: [Int]

    init(slots: Int, slotSize: Int) {
        self.slots = slots
        self.slotSize = slotSize
        storage = .allocate(byteCount: slots * slotSize, alignment: 16)
        sequence = [UInt16](repeating: 0, count: slots)
        lengths = [Int](repeating: 0, count: slots)
    }

    deinit { storage.deallocate() }

    /// Keeps a copy of an RTP packet (its sequence number is read from the header).
    func store(_ packet: UnsafeRawBufferPointer) {
        guard packet.count >= 12, packet.count <= slotSize else { return }
        let seq = UInt16(packet[2]) << 8 | UInt16(packet[3])
        let slot = Int(seq) % slots
        UnsafeMutableRawBufferPointer(rebasing: storage[(slot * slotSize)..<(slot * slotSize + packet.count)])
            .copyMemory(from: packet)
        sequence[slot] = seq
        lengths[slot] = packet.count
    }

    /// The stored length of `seq`, 0 if it is no longer kept.
    func length(of seq: UInt16) -> Int {
        let slot = Int(seq) % slots
        return sequence[slot] == seq ? lengths[slot] : 0
    }

    /// Copies packet `seq` into `buffer`; returns its length (0 if gone or too big).
    func copy(_ seq: UInt16, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let length = length(of: seq)
        guard length > 0, buffer.count >= length else { return 0 }
        let start = (Int(seq) % slots) * slotSize
        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[start..<(start + length)]))
        return length
    }
}
