/// HMAC-SHA1 (RFC 2104), the MAC of STUN MESSAGE-INTEGRITY (RFC 8489 §14.5).
///
/// The key's inner and outer pads are absorbed once at initialisation, so a key
/// used for many messages (an ICE password) costs two SHA-1 blocks less per MAC.
public struct HMACSHA1: Sendable {
    /// Bytes in a MAC.
    public static let macSize = SHA1.digestSize

    private let innerStart: SHA1
    private let outerStart: SHA1

    /// Prepares a MAC with `key`; keys longer than 64 bytes are hashed first (RFC 2104 §2).
    public init(key: [UInt8]) {
        var block = key.count > SHA1.blockSize ? SHA1.hash(key) : key
        block.append(contentsOf: repeatElement(0, count: SHA1.blockSize - block.count))
        var inner = SHA1()
        inner.update(block.map { $0 ^ 0x36 })
        var outer = SHA1()
        outer.update(block.map { $0 ^ 0x5C })
        innerStart = inner
        outerStart = outer
    }

    /// The 20-byte MAC of `message`.
    public func authenticationCode(for message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { authenticationCode(for: $0) }
    }

    /// The 20-byte MAC of `message`.
    public func authenticationCode(for message: UnsafeRawBufferPointer) -> [UInt8] {
        authenticationCode(parts: [message])
    }

    /// The 20-byte MAC of the concatenation of `parts`.
    func authenticationCode(parts: [UnsafeRawBufferPointer]) -> [UInt8] {
        var inner = innerStart
        for part in parts {
            inner.update(part)
        }
        var outer = outerStart
        outer.update(inner.finalize())
        return outer.finalize()
    }
}
