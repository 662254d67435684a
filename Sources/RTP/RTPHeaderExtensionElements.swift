/// How a packet's header extension block is encoded (RFC 8285 §4).
public enum RTPHeaderExtensionForm: Sendable, Hashable {
    /// No header extension (X=0).
    case none
    /// One-byte element headers, profile 0xBEDE (RFC 8285 §4.2).
    case oneByte
    /// Two-byte element headers, profile 0x100X; `appBits` is X (RFC 8285 §4.3).
    case twoByte(appBits: UInt8)
    /// A profile other than RFC 8285; its data is opaque.
    case opaque(profile: UInt16)

    /// The one-byte form's profile value.
    public static let oneByteProfile: UInt16 = 0xBEDE
    /// The two-byte form's profile value with the app bits cleared.
    public static let twoByteProfile: UInt16 = 0x1000

    /// Classifies a profile value (`nil`: no extension).
    public init(profile: UInt16?) {
        switch profile {
        case nil: self = .none
        case Self.oneByteProfile?: self = .oneByte
        case let p? where p & 0xFFF0 == Self.twoByteProfile: self = .twoByte(appBits: UInt8(p & 0x0F))
        case let p?: self = .opaque(profile: p)
        }
    }
}

/// One RFC 8285 element found in a packet: its id and where its value is.
public struct RTPHeaderExtensionElementRef: Sendable, Hashable {
    /// The local identifier (1...14 one-byte, 1...255 two-byte).
    public let id: UInt8
    /// Offset of the element's value within the packet.
    public let offset: Int
    /// Length of the value in bytes.
    public let length: Int
    /// Whether the element was encoded with a two-byte header.
    public let isTwoByte: Bool

    /// Byte range of the value within the packet.
    public var range: Range<Int> { offset..<(offset + length) }
}

/// Iterates the elements of a packet's RFC 8285 header extension without
/// allocating. Stops at the end, at a one-byte id 15 (RFC 8285 §4.2) or at a
/// malformed element.
public struct RTPHeaderExtensionIterator: IteratorProtocol {
    let packet: UnsafeRawBufferPointer
    var cursor: RTPExtensionCursor

    /// The next element, or `nil` at the end.
    public mutating func next() -> RTPHeaderExtensionElementRef? {
        if case .element(let element) = cursor.next(packet) { return element }
        return nil
    }
}

/// The element walker shared by validation, lookup and rewriting.
///
/// One-byte form (RFC 8285 §4.2), after the 0xBEDE/length word:
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  ID   | L=0   |     data      |  ID   |  L=1  |   data...
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///           ...data   |    0 (pad)    |    0 (pad)    |  ID   | L=3   |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// (value length is L+1; a byte with ID 0 is padding whatever its L;
/// ID 15 ends processing.)
///
/// Two-byte form (RFC 8285 §4.3), after the 0x100X/length word:
///
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |      ID       |     L=0       |     ID        |     L=1       |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |       data    |    0 (pad)    |       ID      |      L=4      |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// (value length is L; ID 0 is a padding byte.)
struct RTPExtensionCursor {
    enum Step {
        case element(RTPHeaderExtensionElementRef)
        case end
        case malformed(declared: Int, available: Int)
    }

    /// 0: no elements, 1: one-byte, 2: two-byte.
    let mode: UInt8
    var offset: Int
    let end: Int

    init(form: RTPHeaderExtensionForm, start: Int, end: Int) {
        switch form {
        case .oneByte: mode = 1
        case .twoByte: mode = 2
        case .none, .opaque: mode = 0
        }
        offset = start
        self.end = end
    }

    /// `packet` must hold at least `end` bytes (checked by every caller).
    @inline(__always)
    mutating func next(_ packet: UnsafeRawBufferPointer) -> Step {
        guard end <= packet.count else { return .end }
        while offset < end {
            let b = packet.u8(offset)
            // A zero id is a padding byte; in the one-byte form its length
            // nibble is ignored (as libwebrtc does), so only the high nibble counts.
            if b == 0 || (mode == 1 && b >> 4 == 0) {
                offset += 1
                continue
            }
            if mode == 1 {
                let id = b >> 4
                if id == 15 {
                    offset = end
                    return .end
                }
                let length = Int(b & 0x0F) + 1
                let data = offset + 1
                guard length <= end - data else {
                    offset = end
                    return .malformed(declared: length, available: end - data)
                }
                offset = data + length
                return .element(.init(id: id, offset: data, length: length, isTwoByte: false))
            } else if mode == 2 {
                guard offset + 2 <= end else {
                    let available = end - offset
                    offset = end
                    return .malformed(declared: 2, available: available)
                }
                let length = Int(packet.u8(offset + 1))
                let data = offset + 2
                guard length <= end - data else {
                    offset = end
                    return .malformed(declared: length, available: end - data)
                }
                offset = data + length
                return .element(.init(id: b, offset: data, length: length, isTwoByte: true))
            } else {
                return .end
            }
        }
        return .end
    }
}
