/// RFC 7983 §7 demultiplexing of the packets arriving on the one WebRTC UDP
/// port, by the value of their first byte:
///
///                  +----------------+
///                  |        [0..3] -+--> forward to STUN
///                  |                |
///                  |      [16..19] -+--> forward to ZRTP (unused here)
///                  |                |
///      packet -->  |      [20..63] -+--> forward to DTLS
///                  |                |
///                  |      [64..79] -+--> forward to TURN Channel
///                  |                |
///                  |    [128..191] -+--> forward to RTP/RTCP
///                  +----------------+
///
/// RTP and RTCP are told apart by the second byte (RFC 5761 §4): packet
/// types 192–223 are RTCP.
enum PacketClass: Equatable, Sendable {
    case stun
    case dtls
    case rtp
    case rtcp
    case unknown
}

enum Demultiplexer {
    @inline(__always)
    static func classify(_ bytes: UnsafeRawBufferPointer) -> PacketClass {
        guard let first = bytes.first else { return .unknown }
        switch first {
        case 0...3: return .stun
        case 20...63: return .dtls
        case 128...191:
            guard bytes.count >= 2 else { return .unknown }
            let packetType = bytes[1]
            return (192...223).contains(packetType) ? .rtcp : .rtp
        default: return .unknown
        }
    }
}
