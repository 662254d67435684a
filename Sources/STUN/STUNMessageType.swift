/// A STUN method: 12 bits, registered by IANA (RFC 8489 §18.2).
public struct STUNMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 12-bit method number.
    public let rawValue: UInt16

    /// A method from its number, or nil if it does not fit in 12 bits.
    public init?(rawValue: UInt16) {
        guard rawValue <= 0x0FFF else { return nil }
        self.rawValue = rawValue
    }

    private init(unchecked rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Binding (0x001), the only method ICE uses (RFC 8489 §18.2).
    public static let binding = STUNMethod(unchecked: 0x001)

    public var description: String {
        self == .binding ? "Binding" : "method(0x\(String(rawValue, radix: 16)))"
    }
}

/// The class of a STUN message (RFC 8489 §5).
public enum STUNClass: UInt8, Hashable, Sendable, CaseIterable {
    case request = 0b00
    case indication = 0b01
    case successResponse = 0b10
    case errorResponse = 0b11
}

/// The 14-bit STUN Message Type: a method and a class interleaved (RFC 8489 §5).
///
/// ```
///   0                 1
///   2  3  4 5 6 7 8 9 0 1 2 3 4 5
///  +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
///  |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
///  |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
///  +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct STUNMessageType: Hashable, Sendable, CustomStringConvertible {
    /// The method (bits M0–M11).
    public var method: STUNMethod
    /// The class (bits C0, C1).
    public var messageClass: STUNClass

    private static let c0Mask: UInt16 = 0x0010
    private static let c1Mask: UInt16 = 0x0100
    private static let methodLowMask: UInt16 = 0x000F   // M0–M3 stay in place
    private static let methodMidMask: UInt16 = 0x0070   // M4–M6, shifted left by 1
    private static let methodHighMask: UInt16 = 0x0F80  // M7–M11, shifted left by 2

    /// A message type from its parts.
    public init(method: STUNMethod, messageClass: STUNClass) {
        self.method = method
        self.messageClass = messageClass
    }

    /// Decodes the 14 low bits of `rawValue` (the two top bits are ignored; the
    /// message parser has already required them to be zero).
    public init(rawValue: UInt16) {
        let value = rawValue & 0x3FFF
        let low = value & Self.methodLowMask
        let mid = (value >> 1) & Self.methodMidMask
        let high = (value >> 2) & Self.methodHighMask
        // `low | mid | high` is at most 0x0FFF, so the method is always valid.
        method = STUNMethod(rawValue: low | mid | high) ?? .binding
        let c0: UInt8 = value & Self.c0Mask != 0 ? 0b01 : 0
        let c1: UInt8 = value & Self.c1Mask != 0 ? 0b10 : 0
        messageClass = STUNClass(rawValue: c0 | c1) ?? .request
    }

    /// The 14-bit encoded message type.
    public var rawValue: UInt16 {
        let m = method.rawValue
        var value = (m & Self.methodLowMask)
            | ((m << 1) & (Self.methodMidMask << 1))
            | ((m << 2) & (Self.methodHighMask << 2))
        if messageClass.rawValue & 0b01 != 0 { value |= Self.c0Mask }
        if messageClass.rawValue & 0b10 != 0 { value |= Self.c1Mask }
        return value
    }

    /// Binding request (0x0001).
    public static let bindingRequest = STUNMessageType(method: .binding, messageClass: .request)
    /// Binding success response (0x0101).
    public static let bindingSuccess = STUNMessageType(method: .binding, messageClass: .successResponse)
    /// Binding error response (0x0111).
    public static let bindingError = STUNMessageType(method: .binding, messageClass: .errorResponse)
    /// Binding indication (0x0011).
    public static let bindingIndication = STUNMessageType(method: .binding, messageClass: .indication)

    public var description: String { "\(method) \(messageClass)" }
}

/// The 96-bit STUN transaction ID (RFC 8489 §5).
public struct STUNTransactionID: Hashable, Sendable, CustomStringConvertible {
    /// The 12 bytes, in wire order.
    public let bytes: [UInt8]

    /// A transaction ID from exactly 12 bytes, or nil otherwise.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count == 12 else { return nil }
        self.bytes = bytes
    }

    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A random transaction ID from `generator` (RFC 8489 §5: uniformly and randomly chosen).
    public static func random(using generator: inout some RandomNumberGenerator) -> STUNTransactionID {
        STUNTransactionID(unchecked: (0..<12).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// A random transaction ID from the system's cryptographically secure generator.
    public static func random() -> STUNTransactionID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
