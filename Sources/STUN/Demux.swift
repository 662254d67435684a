// Recognising STUN among other traffic on one UDP port (RFC 7983 §7, RFC 8489 §5).
//
//                 +----------------+
//                 |        [0..3] -+--> forward to STUN
//  packet -->     |                |
//                 |      [16..19] -+--> forward to ZRTP
//                 |      [20..63] -+--> forward to DTLS
//                 |     [64..79]  -+--> forward to TURN Channel
//                 |    [128..191] -+--> forward to RTP/RTCP
//                 +----------------+

extension STUNMessage {
    /// Whether a datagram starting with `firstByte` is STUN by RFC 7983 demultiplexing (0...3).
    @inline(__always)
    public static func isSTUN(firstByte: UInt8) -> Bool {
        firstByte <= 3
    }

    /// Whether `bytes` look like one whole STUN message: first byte 0...3, at least a
    /// header, the magic cookie, and a Message Length that is a multiple of 4 and matches
    /// the datagram. Attributes are not examined.
    public static func isSTUN(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= headerSize, isSTUN(firstByte: bytes[0]),
              bytes.readUInt32(at: 4) == magicCookie else { return false }
        let length = Int(bytes.readUInt16(at: 2))
        return length % 4 == 0 && length == bytes.count - headerSize
    }

    /// Whether `bytes` look like one whole STUN message; see ``isSTUN(_:)-(UnsafeRawBufferPointer)``.
    public static func isSTUN(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { isSTUN($0) }
    }
}
