/// CRC-32 as used by STUN FINGERPRINT (RFC 8489 §14.7, which points to ITU-T V.42 / ISO 3309):
/// reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF.
public struct CRC32: Sendable {
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(truncatingIfNeeded: index)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }

    private var register: UInt32 = 0xFFFF_FFFF

    /// A fresh CRC over no bytes.
    public init() {}

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc = CRC32()
        bytes.withUnsafeBytes { crc.update($0) }
        return crc.value
    }

    /// Absorbs `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        let table = Self.table
        var crc = register
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        register = crc
    }

    /// The CRC of everything absorbed so far.
    public var value: UInt32 { register ^ 0xFFFF_FFFF }
}
