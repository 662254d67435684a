import Testing

@testable import Trunk

/// Both ciphers that are runnable here (AES-256-GCM needs AES-NI; the build machines have it).
private let ciphers = TrunkCipher.allCases.filter(\.isAvailable)

@Suite("TrunkAEAD")
struct TrunkAEADTests {
    let key = TrunkSymmetricKey.random()
    // A trunk frame header as associated data: version 1, type 2, sender 0x0a0b, key id 7.
    let header: [UInt8] = [0x01, 0x02, 0x0a, 0x0b, 0x07]

    @Test func aesGCMIsAvailableOnTheBuildMachines() {
        // ENVIRONMENT.md: x86-64 with AES-NI, crypto_aead_aes256gcm_is_available() is true.
        #expect(TrunkCipher.aes256gcm.isAvailable)
        #expect(TrunkCipher.preferred == .aes256gcm)
        #expect(ciphers.count == 2)
    }

    @Test func sizesMatchLibsodium() {
        #expect(TrunkCipher.aes256gcm.nonceByteCount == 12)
        #expect(TrunkCipher.xchacha20poly1305.nonceByteCount == 24)
        #expect(TrunkAEAD.sealedByteCount(plaintextCount: 1200) == 1216)
        #expect(TrunkCipher.aes256gcm.maximumMessageByteCount > 1 << 30)
    }

    @Test(arguments: ciphers, [0, 1, 16, 1200])
    func roundTrip(cipher: TrunkCipher, length: Int) throws {
        let aead = try TrunkAEAD(key: key, cipher: cipher)
        let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let sealed = try aead.seal(plaintext, counter: 42, associatedData: header)
        #expect(sealed.count == length + 16)
        if length > 0 { #expect(Array(sealed.prefix(length)) != plaintext) }
        #expect(try aead.open(sealed, counter: 42, associatedData: header) == plaintext)
    }

    @Test(arguments: ciphers)
    func bufferAPISealsInPlace(cipher: TrunkCipher) throws {
        let aead = try TrunkAEAD(key: key, cipher: cipher)
        let plaintext: [UInt8] = Array("RTP payload bytes".utf8)
        var buffer = plaintext + [UInt8](repeating: 0, count: 16)
        let written = try buffer.withUnsafeMutableBytes { raw in
            try header.withUnsafeBytes { ad in
                try aead.seal(UnsafeRawBufferPointer(rebasing: raw[0..<plaintext.count]), counter: 9,
                              associatedData: ad, into: raw)
            }
        }
        #expect(written == plaintext.count + 16)
        #expect(buffer == (try aead.seal(plaintext, counter: 9, associatedData: header)))
        let opened = try buffer.withUnsafeMutableBytes { raw in
            try header.withUnsafeBytes { ad in
                try aead.open(UnsafeRawBufferPointer(raw), counter: 9, associatedData: ad, into: raw)
            }
        }
        #expect(opened == plaintext.count)
        #expect(Array(buffer.prefix(opened)) == plaintext)
    }

    @Test(arguments: ciphers)
    func tamperedCiphertextIsRejected(cipher: TrunkCipher) throws {
        let aead = try TrunkAEAD(key: key, cipher: cipher)
        let sealed = try aead.seal([1, 2, 3, 4, 5], counter: 1, associatedData: header)
        for index in sealed.indices {  // every byte, including the tag
            var tampered = sealed
            tampered[index] ^= 0x01
            #expect(throws: TrunkError.authenticationFailed) {
                try aead.open(tampered, counter: 1, associatedData: header)
            }
        }
        #expect(throws: TrunkError.authenticationFailed) {
            try aead.open(Array(sealed.dropLast()), counter: 1, associatedData: header)
        }
    }

    @Test(arguments: ciphers)
    func wrongAssociatedDataIsRejected(cipher: TrunkCipher) throws {
        let aead = try TrunkAEAD(key: key, cipher: cipher)
        let sealed = try aead.seal([9, 9, 9], counter: 1, associatedData: header)
        var otherHeader = header
        otherHeader[4] = 0x08  // key id 7 → 8
        #expect(throws: TrunkError.authenticationFailed) { try aead.open(sealed, counter: 1, associatedData: otherHeader) }
        #expect(throws: TrunkError.authenticationFailed) { try aead.open(sealed, counter: 1, associatedData: []) }
    }

    @Test(arguments: ciphers)
    func wrongCounterOrKeyIsRejected(cipher: TrunkCipher) throws {
        let aead = try TrunkAEAD(key: key, cipher: cipher)
        let sealed = try aead.seal([9, 9, 9], counter: 1 << 40, associatedData: header)
        for counter: UInt64 in [0, 1, (1 << 40) - 1, (1 << 40) + 1, .max] {
            #expect(throws: TrunkError.authenticationFailed) { try aead.open(sealed, counter: counter, associatedData: header) }
        }
        let other = try TrunkAEAD(key: TrunkSymmetricKey.random(), cipher: cipher)
        #expect(throws: TrunkError.authenticationFailed) { try other.open(sealed, counter: 1 << 40, associatedData: header) }
    }

    @Test func ciphersAreNotInterchangeable() throws {
        let gcm = try TrunkAEAD(key: key, cipher: .aes256gcm)
        let xchacha = try TrunkAEAD(key: key, cipher: .xchacha20poly1305)
        let sealed = try gcm.seal([1, 2, 3], counter: 5, associatedData: header)
        #expect(throws: TrunkError.authenticationFailed) { try xchacha.open(sealed, counter: 5, associatedData: header) }
    }

    @Test(arguments: ciphers)
    func sizeErrorsCarryTheSizes(cipher: TrunkCipher) throws {
        let aead = try TrunkAEAD(key: key, cipher: cipher)
        #expect(throws: TrunkError.ciphertextTooShort(length: 15, minimum: 16)) {
            try aead.open([UInt8](repeating: 0, count: 15), counter: 0)
        }
        var small = [UInt8](repeating: 0, count: 20)
        let plaintext = [UInt8](repeating: 1, count: 10)
        #expect(throws: TrunkError.outputBufferTooSmall(needed: 26, available: 20)) {
            try plaintext.withUnsafeBytes { p in
                try small.withUnsafeMutableBytes { out in
                    try aead.seal(p, counter: 0, associatedData: UnsafeRawBufferPointer(start: nil, count: 0), into: out)
                }
            }
        }
    }

    @Test func partiallyOverlappingBuffersAreRefused() throws {
        let aead = try TrunkAEAD(key: key, cipher: .xchacha20poly1305)
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(throws: TrunkError.overlappingBuffers) {
            try buffer.withUnsafeMutableBytes { raw in
                try aead.seal(UnsafeRawBufferPointer(rebasing: raw[0..<16]), counter: 0,
                              associatedData: UnsafeRawBufferPointer(start: nil, count: 0),
                              into: UnsafeMutableRawBufferPointer(rebasing: raw[8...]))
            }
        }
    }

    @Test func keysNeverPrintTheirBytes() throws {
        let bytes = [UInt8](repeating: 0xab, count: 32)
        let key = try TrunkSymmetricKey(bytes: bytes)
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, String(reflecting: key), "\(key)", dumped] {
            #expect(!text.lowercased().contains("ab, ") && !text.lowercased().contains("abab") && !text.contains("171"))
            #expect(text.contains("redacted") || !text.isEmpty)
        }
        #expect(key.description == "TrunkSymmetricKey(<redacted>)")
        #expect(key.exportSecretBytes() == bytes)
        #expect(throws: TrunkError.invalidLength(what: "symmetric key", expected: 32, actual: 31)) {
            try TrunkSymmetricKey(bytes: Array(bytes.dropLast()))
        }
    }
}
