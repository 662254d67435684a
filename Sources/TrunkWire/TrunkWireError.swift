/// The one error type of the `TrunkWire` module.
///
/// Every case names the wire structure being read or written and, where it
/// applies, the sizes involved, so a dropped datagram can be counted with a
/// precise reason. Parsers over untrusted bytes throw these; they never trap.
/// The enum is not `@frozen`: new cases may be added, so keep a `default:`.
public enum TrunkWireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input ended before `structure` was complete.
    case truncated(Structure, needed: Int, available: Int)
    /// Bytes were left over after `structure` (whose length is fixed or declared).
    case trailingBytes(Structure, count: Int)
    /// The first byte does not carry the trunk marker (`0b111` in its top bits).
    case notATrunkFrame(firstByte: UInt8)
    /// The trunk marker is present but the version is not one this code speaks.
    case unsupportedVersion(UInt8)
    /// The frame type byte is not a known type.
    case unknownFrameType(UInt8)
    /// A field of `structure` holds a value the format does not allow (reserved
    /// bits set, an unknown enumeration value, a bad identifier character...).
    case invalidValue(Structure, value: Int)
    /// A length field or variable part of `structure` is outside its allowed range.
    case invalidLength(Structure, length: Int, allowed: ClosedRange<Int>)
    /// The caller's output buffer is smaller than the bytes to write.
    case bufferTooSmall(needed: Int, available: Int)

    /// Names the wire structure an error refers to.
    public enum Structure: String, Sendable, Hashable {
        case frameHeader, handshakeInit, handshakeResponse, cipherSet
        case dataHeader, controlMessage, subscribe, unsubscribe, nack, pictureLossIndication, ping, pong
        case trackName, credential, nodeID, regionID, staticKey, signature
    }

    public var description: String {
        switch self {
        case .truncated(let s, let needed, let available): "\(s.rawValue) truncated: need \(needed) bytes, have \(available)"
        case .trailingBytes(let s, let count): "\(count) trailing bytes after \(s.rawValue)"
        case .notATrunkFrame(let byte): "not a trunk frame (first byte \(byte))"
        case .unsupportedVersion(let version): "unsupported trunk version \(version)"
        case .unknownFrameType(let type): "unknown trunk frame type \(type)"
        case .invalidValue(let s, let value): "invalid \(s.rawValue) value \(value)"
        case .invalidLength(let s, let length, let allowed):
            "\(s.rawValue) length \(length) outside \(allowed.lowerBound)...\(allowed.upperBound)"
        case .bufferTooSmall(let needed, let available): "output buffer too small: need \(needed) bytes, have \(available)"
        }
    }
}
