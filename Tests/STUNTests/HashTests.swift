import Testing
@testable import STUN

@Suite("SHA-1, HMAC-SHA1 and CRC-32 test vectors")
struct HashTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var input: [UInt8]
        var digest: String
        var testDescription: String { name }
    }

    /// RFC 3174 §7.3 test cases 1–4, plus the empty message.
    static let sha1Vectors: [Vector] = [
        Vector(name: "empty", input: [], digest: "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        Vector(name: "TEST1 abc", input: Array("abc".utf8), digest: "a9993e364706816aba3e25717850c26c9cd0d89d"),
        Vector(
            name: "TEST2 448 bits", input: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
            digest: "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        Vector(
            name: "TEST3 a x 1,000,000", input: [UInt8](repeating: 0x61, count: 1_000_000),
            digest: "34aa973cd4c4daa4f61eeb2bdbad27316534016f"),
        Vector(
            name: "TEST4 01234567 x 80", input: Array(String(repeating: "01234567", count: 80).utf8),
            digest: "dea356a2cddd90c7a7ecedc5ebb563934f460452"),
    ]

    @Test(arguments: sha1Vectors)
    func sha1OneShot(_ vector: Vector) {
        #expect(hexString(SHA1.hash(vector.input)) == vector.digest)
    }

    /// Feeding the input in uneven pieces gives the same digest (exercises the pending buffer).
    @Test(arguments: sha1Vectors.filter { $0.input.count < 1000 }, [1, 3, 63, 64, 65])
    func sha1Incremental(_ vector: Vector, chunk: Int) {
        var sha = SHA1()
        var offset = 0
        while offset < vector.input.count {
            let end = min(offset + chunk, vector.input.count)
            sha.update(Array(vector.input[offset..<end]))
            offset = end
        }
        #expect(hexString(sha.finalize()) == vector.digest)
    }

    /// Lengths around the padding boundary (55, 56, 63, 64 bytes) against digests from Python's hashlib.
    @Test(arguments: [
        (55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"),
        (56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"),
        (63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5"),
        (64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"),
    ])
    func sha1PaddingBoundaries(length: Int, digest: String) {
        #expect(hexString(SHA1.hash([UInt8](repeating: 0x61, count: length))) == digest)
    }

    /// RFC 2202 §3 test cases 1–7 for HMAC-SHA1.
    @Test(arguments: [
        (hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), Array("Hi There".utf8),
         "b617318655057264e28bc0b6fb378c8ef146be00"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        ([UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50),
         "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
        (Array(1...25), [UInt8](repeating: 0xCD, count: 50),
         "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
        ([UInt8](repeating: 0x0C, count: 20), Array("Test With Truncation".utf8),
         "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
        ([UInt8](repeating: 0xAA, count: 80), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
        ([UInt8](repeating: 0xAA, count: 80),
         Array("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data".utf8),
         "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
    ])
    func hmacSHA1(key: [UInt8], data: [UInt8], mac: String) {
        #expect(hexString(HMACSHA1(key: key).authenticationCode(for: data)) == mac)
    }

    /// The same key object gives the same MAC twice (precomputed pads are not consumed).
    @Test func hmacKeyIsReusable() {
        let hmac = HMACSHA1(key: Array("Jefe".utf8))
        let data = Array("what do ya want for nothing?".utf8)
        #expect(hmac.authenticationCode(for: data) == hmac.authenticationCode(for: data))
    }

    /// CRC-32 (ISO 3309 / ITU-T V.42) check values.
    @Test(arguments: [
        ("", UInt32(0x0000_0000)),
        ("123456789", 0xCBF4_3926),
        ("The quick brown fox jumps over the lazy dog", 0x414F_A339),
    ])
    func crc32(text: String, checksum: UInt32) {
        #expect(CRC32.checksum(Array(text.utf8)) == checksum)
    }
}
