import RTP

/// What one RTCP compound from the SFU asks of a publisher, resolved to
/// its video encodings by media SSRC: a keyframe of a layer for a PLI
/// (RFC 4585 §6.3.1) or an FIR entry (RFC 5104 §4.3.1), retransmissions of
/// a layer's packets for a Generic NACK (RFC 4585 §6.2.1), and the REMB
/// estimate. Feedback naming an SSRC that is not one of ours is ignored.
public struct PublisherFeedback: Sendable, Hashable {
    /// One request, with the index of the encoding it names.
    public enum Request: Sendable, Hashable {
        case pictureLoss(layer: Int)
        case fullIntra(layer: Int)
        case retransmit(layer: Int, sequenceNumber: UInt16)
        case bitrate(bitsPerSecond: UInt64)
    }

    /// The SSRC of each encoding (one, or one per simulcast layer).
    public let ssrcs: [UInt32]

    public init(ssrcs: [UInt32]) {
        self.ssrcs = ssrcs
    }

    /// The encoding sending `ssrc`.
    public func layer(of ssrc: SSRC) -> Int? {
        ssrcs.firstIndex(of: ssrc.rawValue)
    }

    /// The requests in an RTCP compound packet, in order; parsing stops at
    /// the first malformed packet (what came before it still counts).
    public func requests(in packet: UnsafeRawBufferPointer) -> [Request] {
        var requests: [Request] = []
        var reader = RTCPCompoundReader(packet)
        while let rtcp = try? reader.next() {
            switch rtcp {
            case .pictureLossIndication(let pli):
                if let layer = layer(of: pli.mediaSSRC) { requests.append(.pictureLoss(layer: layer)) }
            case .fullIntraRequest(let fir):
                for entry in fir.entries {
                    if let layer = layer(of: entry.ssrc) { requests.append(.fullIntra(layer: layer)) }
                }
            case .genericNACK(let nack):
                guard let layer = layer(of: nack.mediaSSRC) else { continue }
                for pair in nack.pairs {
                    pair.forEachLost { requests.append(.retransmit(layer: layer, sequenceNumber: $0)) }
                }
            case .receiverEstimatedMaxBitrate(let remb):
                requests.append(.bitrate(bitsPerSecond: UInt64(remb.mantissa) << UInt64(min(remb.exponent, 45))))
            default:
                continue
            }
        }
        return requests
    }
}
