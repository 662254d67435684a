/// SHA-1 (RFC 3174), as needed by STUN MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5).
///
/// A small incremental implementation with no dependencies, so the STUN module
/// can be compiled on its own (e.g. for fuzzing). SHA-1 is used here only inside
/// HMAC, where its collision weakness does not matter.
public struct SHA1: Sendable {
    /// Bytes in a digest.
    public static let digestSize = 20
    /// Bytes in a compression block.
    public static let blockSize = 64

    private var h0: UInt32 = 0x6745_2301
    private var h1: UInt32 = 0xEFCD_AB89
    private var h2: UInt32 = 0x98BA_DCFE
    private var h3: UInt32 = 0x1032_5476
    private var h4: UInt32 = 0xC3D2_E1F0
    /// Input not yet compressed; always fewer than `blockSize` bytes.
    private var pending: [UInt8] = []
    /// Total bytes absorbed, wrapping (only its low 64 bits enter the padding).
    private var totalBytes: UInt64 = 0

    /// A fresh hash state.
    public init() {}

    /// The SHA-1 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var sha = SHA1()
        sha.update(bytes)
        return sha.finalize()
    }

    /// Absorbs `bytes`.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Absorbs `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        totalBytes &+= UInt64(truncatingIfNeeded: bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(Self.blockSize - pending.count, bytes.count)
            pending.append(contentsOf: bytes.slice(0..<take))
            offset = take
            guard pending.count == Self.blockSize else { return }
            let block = pending
            block.withUnsafeBytes { compress($0) }
            pending.removeAll(keepingCapacity: true)
        }
        while bytes.count - offset >= Self.blockSize {
            compress(bytes.slice(offset..<(offset + Self.blockSize)))
            offset += Self.blockSize
        }
        if offset < bytes.count {
            pending.append(contentsOf: bytes.slice(offset..<bytes.count))
        }
    }

    /// Pads, compresses the last block(s) and returns the 20-byte digest.
    public func finalize() -> [UInt8] {
        var copy = self
        let bitLength = totalBytes &* 8
        var tail: [UInt8] = [0x80]
        let used = (pending.count + 1) % Self.blockSize
        let zeros = used <= 56 ? 56 - used : 120 - used
        tail.append(contentsOf: repeatElement(0, count: zeros))
        tail.appendUInt64(bitLength)
        copy.update(tail)
        var digest: [UInt8] = []
        digest.reserveCapacity(Self.digestSize)
        for word in [copy.h0, copy.h1, copy.h2, copy.h3, copy.h4] {
            digest.appendUInt32(word)
        }
        return digest
    }

    /// Compresses one 64-byte block (RFC 3174 §6.1, method 1).
    private mutating func compress(_ block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            for t in 0..<16 {
                w[t] = block.readUInt32(at: t * 4)
            }
            for t in 16..<80 {
                w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotatedLeft(by: 1)
            }
            var a = h0, b = h1, c = h2, d = h3, e = h4
            for t in 0..<80 {
                let f: UInt32
                let k: UInt32
                switch t {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
                default: f = b ^ c ^ d; k = 0xCA62_C1D6
                }
                let temp = a.rotatedLeft(by: 5) &+ f &+ e &+ k &+ w[t]
                e = d
                d = c
                c = b.rotatedLeft(by: 30)
                b = a
                a = temp
            }
            h0 &+= a
            h1 &+= b
            h2 &+= c
            h3 &+= d
            h4 &+= e
        }
    }
}

extension UInt32 {
    @inline(__always)
    func rotatedLeft(by count: UInt32) -> UInt32 {
        (self << count) | (self >> (32 - count))
    }
}
