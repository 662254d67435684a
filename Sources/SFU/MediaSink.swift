import RTP

/// The facts about one received RTP packet that forwarding needs, decoded
/// once per packet by the transport that received it.
public struct IncomingRTP: Sendable {
    public var ssrc: UInt32
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var payloadType: UInt8
    public var marker: Bool
    /// The packet starts (or belongs to the first packet of) a keyframe.
    public var isKeyframe: Bool
    /// RFC 6464 level (0 loudest ... 127 silence), audio only.
    public var audioLevel: UInt8?
    /// The parsed header, shared by every consumer that forwards the packet.
    public var header: RTPHeaderView
    /// Edge mesh: when the origin node received the packet (µs since the Unix
    /// epoch, origin's clock); 0 for a packet received from a local publisher.
    public var originSendTime: UInt64 = 0
    /// Edge mesh: trunks the packet crossed to get here (0 from a local publisher).
    public var hopCount: UInt8 = 0

    public init(
        ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32, payloadType: UInt8,
        marker: Bool, isKeyframe: Bool, audioLevel: UInt8? = nil, header: RTPHeaderView
    ) {
        self.header = header
        self.ssrc = ssrc
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.payloadType = payloadType
        self.marker = marker
        self.isKeyframe = isKeyframe
        self.audioLevel = audioLevel
    }
}

/// Where a consumer's packets go: the subscriber's transport, which writes the
/// rewritten header into its own outgoing buffer, protects it and sends it.
/// Called on the transport's event loop.
public protocol MediaSink: AnyObject {
    /// Sends `packet` (plaintext RTP as received, parsed once as `header`)
    /// with its header rewritten.
    func sendRTP(_ packet: UnsafeRawBufferPointer, header: RTPHeaderView, rewrite: RTPRewrite)
}

/// Where feedback for a publisher goes: its transport, which builds and sends RTCP.
public protocol PublisherFeedback: AnyObject {
    /// Asks the publisher for a keyframe of the stream `mediaSSRC` (PLI).
    func requestKeyframe(mediaSSRC: UInt32)
    /// Asks the publisher to send `sequenceNumbers` of `mediaSSRC` again (generic NACK).
    func requestRetransmission(mediaSSRC: UInt32, sequenceNumbers: [UInt16])
}

/// Where a producer's packets go to another node: one sink per (track,
/// downstream node), fed every packet of the layers in `layerMask` as the
/// producer received it (no rewriting: the downstream node rewrites for its
/// own consumers). Called on the producer's event loop.
public protocol RelaySink: AnyObject {
    /// Layers wanted: bit i set means layer i.
    var layerMask: UInt8 { get }
    /// Sends one packet of `layer`.
    func relay(layer: Int, packet: UnsafeRawBufferPointer, info: IncomingRTP, nowNanoseconds: UInt64)
    /// Passes on the publisher's sender report of `layer` (its NTP and RTP
    /// times), so consumers on the other node keep the publisher's clock.
    func relaySenderReport(layer: Int, ssrc: UInt32, ntpTime: UInt64, rtpTime: UInt32)
}

extension RelaySink {
    /// Sinks that carry no RTCP ignore sender reports.
    public func relaySenderReport(layer: Int, ssrc: UInt32, ntpTime: UInt64, rtpTime: UInt32) {}
}
