import ControlProtocol
import RTP
import SFU

// Tracks in the control API: the Publish/TrackPublished message with the
// publisher's RTP parameters, and the reverse for PullTrack.

extension NegotiatedExtensions {
    /// The ids by RFC 8285 URI (only the extensions the node understands).
    var byURI: [String: UInt32] {
        var out: [String: UInt32] = [:]
        let pairs: [(String, UInt8?)] = [
            (RTPHeaderExtensionURI.mid, mid), (RTPHeaderExtensionURI.rtpStreamID, rid),
            (RTPHeaderExtensionURI.repairedRTPStreamID, repairedRid), (RTPHeaderExtensionURI.audioLevel, audioLevel),
            (RTPHeaderExtensionURI.absSendTime, absSendTime), (RTPHeaderExtensionURI.transportWideCC, transportWideCC),
        ]
        for (uri, id) in pairs { if let id { out[uri] = UInt32(id) } }
        return out
    }

    /// Ids from a URI map (ids outside 1...14 are ignored: one-byte header extensions).
    init(byURI map: [String: UInt32]) {
        func id(_ uri: String) -> UInt8? {
            guard let value = map[uri], (1...14).contains(value) else { return nil }
            return UInt8(value)
        }
        self.init(
            mid: id(RTPHeaderExtensionURI.mid), rid: id(RTPHeaderExtensionURI.rtpStreamID),
            repairedRid: id(RTPHeaderExtensionURI.repairedRTPStreamID), audioLevel: id(RTPHeaderExtensionURI.audioLevel),
            absSendTime: id(RTPHeaderExtensionURI.absSendTime), transportWideCC: id(RTPHeaderExtensionURI.transportWideCC))
    }
}

extension TrackRTPParameters {
    var message: Edgemesh_V1_RtpParameters {
        var rtp = Edgemesh_V1_RtpParameters()
        rtp.payloadType = UInt32(payloadType)
        rtp.clockRate = clockRate
        rtp.formatParameters = formatParameters ?? ""
        rtp.rtxPayloadType = UInt32(rtxPayloadType ?? 0)
        rtp.headerExtensions = extensions.byURI
        rtp.channels = UInt32(channels ?? 0)
        return rtp
    }
}

/// What a node needs to relay a track published elsewhere, read from the
/// `Track` message of the origin (PullTrack).
struct RelayedTrackDescription: Sendable, Equatable {
    var id: TrackID
    var participant: ParticipantID
    var kind: SFU.MediaKind
    var mid: String
    var rids: [String]
    var codec: String
    var rtp: TrackRTPParameters
    var originNodeID: String

    /// Checks the fields a relay producer cannot do without.
    init(_ track: Edgemesh_V1_Track) throws(NodeControlError) {
        guard (1...128).contains(track.id.utf8.count), !track.id.contains("/") else {
            throw .invalidTrack("track id must be 1 to 128 bytes without '/'")
        }
        guard (1...128).contains(track.participantID.utf8.count) else {
            throw .invalidTrack("participant id must be 1 to 128 bytes")
        }
        switch track.kind {
        case .audio: kind = .audio
        case .video: kind = .video
        default: throw .invalidTrack("kind must be audio or video")
        }
        guard (0...127).contains(track.rtp.payloadType), track.rtp.clockRate > 0 else {
            throw .invalidTrack("rtp.payload_type must be 0 to 127 and rtp.clock_rate positive")
        }
        guard track.simulcastRids.count <= 3, !track.codec.isEmpty else {
            throw .invalidTrack("at most 3 simulcast rids and a codec name")
        }
        id = TrackID(track.id)
        participant = ParticipantID(track.participantID)
        mid = track.mid
        rids = track.simulcastRids
        codec = track.codec
        let rtx = track.rtp.rtxPayloadType
        rtp = TrackRTPParameters(
            payloadType: UInt8(truncatingIfNeeded: track.rtp.payloadType), clockRate: track.rtp.clockRate,
            formatParameters: track.rtp.formatParameters.isEmpty ? nil : track.rtp.formatParameters,
            rtxPayloadType: (1...127).contains(rtx) ? UInt8(truncatingIfNeeded: rtx) : nil,
            channels: track.rtp.channels == 0 ? nil : UInt16(clamping: track.rtp.channels),
            extensions: NegotiatedExtensions(byURI: track.rtp.headerExtensions))
        originNodeID = track.originNodeID
    }
}
