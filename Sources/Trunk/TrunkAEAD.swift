import CSodium

/// Seals and opens trunk frames with one directional key.
///
/// Nonce construction: the 64-bit frame counter, big-endian, right-aligned in
/// an otherwise zero nonce — `00 00 00 00 || counter` (12 bytes) for AES-256-GCM,
/// `00 × 16 || counter` (24 bytes) for XChaCha20-Poly1305. Each key belongs to
/// one direction of one session (`TrunkKeySchedule`), so (key, nonce) pairs are
/// unique as long as the sender never reuses a counter under a key; the trunk
/// re-keys long before 2⁶⁴ frames.
///
/// For AES-256-GCM the key is expanded once (`crypto_aead_aes256gcm_beforenm`)
/// and every frame uses the precomputed state (`_afternm`). After `init` the
/// instance is read-only, so one instance may seal and open from several threads
/// at once. The buffer-pointer methods allocate nothing.
public final class TrunkAEAD: @unchecked Sendable {
    /// The algorithm in use.
    public let cipher: TrunkCipher
    private let key: TrunkSymmetricKey
    /// Precomputed AES-256-GCM state (16-byte aligned), nil for XChaCha20-Poly1305.
    private let gcmState: UnsafeMutableRawPointer?
    private let gcmStateByteCount: Int
    private let maximumMessageByteCount: Int

    /// Prepares `key` for `cipher` (default: the fastest available).
    /// - Throws: `TrunkError.cipherUnavailable` for AES-256-GCM on a CPU without AES-NI.
    public init(key: TrunkSymmetricKey, cipher: TrunkCipher = .preferred) throws(TrunkError) {
        TrunkCrypto.ensureInitialized()
        guard cipher.isAvailable else { throw .cipherUnavailable(cipher) }
        self.cipher = cipher
        self.key = key
        self.maximumMessageByteCount = cipher.maximumMessageByteCount
        switch cipher {
        case .aes256gcm:
            let size = max(crypto_aead_aes256gcm_statebytes(), 1)
            let state = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            let typed = state.bindMemory(to: crypto_aead_aes256gcm_state.self, capacity: 1)
            let status = key.storage.withBytePointer { k in crypto_aead_aes256gcm_beforenm(typed, k) }
            guard status == 0 else {
                sodium_memzero(state, size)
                state.deallocate()
                throw .cipherUnavailable(cipher)
            }
            gcmState = state
            gcmStateByteCount = size
        case .xchacha20poly1305:
            gcmState = nil
            gcmStateByteCount = 0
        }
    }

    deinit {
        if let gcmState {
            sodium_memzero(gcmState, gcmStateByteCount)
            gcmState.deallocate()
        }
    }

    /// Size of the sealed form of a `plaintextCount`-byte message.
    public static func sealedByteCount(plaintextCount: Int) -> Int {
        plaintextCount + TrunkCipher.tagByteCount
    }

    /// Encrypts `plaintext` and appends the tag, writing `plaintext.count + 16`
    /// bytes at the start of `output`. `output` may start at the same address as
    /// `plaintext` (in place) but must not otherwise overlap it.
    /// - Returns: the number of bytes written.
    @discardableResult
    public func seal(
        _ plaintext: UnsafeRawBufferPointer, counter: UInt64, associatedData: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws(TrunkError) -> Int {
        guard plaintext.count <= maximumMessageByteCount else {
            throw .messageTooLong(length: plaintext.count, maximum: maximumMessageByteCount)
        }
        let needed = plaintext.count + TrunkCipher.tagByteCount
        guard output.count >= needed, let out = output.baseAddress else {
            throw .outputBufferTooSmall(needed: needed, available: output.count)
        }
        guard !Self.partiallyOverlaps(plaintext, output) else { throw .overlappingBuffers }
        var written: UInt64 = 0
        let status = withNonce(counter) { nonce in
            withBytePointers(plaintext, associatedData) { m, ad in
                let c = out.assumingMemoryBound(to: UInt8.self)
                let mlen = UInt64(plaintext.count)
                let adlen = UInt64(associatedData.count)
                if let gcmState {
                    let state = UnsafeRawPointer(gcmState).assumingMemoryBound(to: crypto_aead_aes256gcm_state.self)
                    return crypto_aead_aes256gcm_encrypt_afternm(c, &written, m, mlen, ad, adlen, nil, nonce, state)
                }
                return key.storage.withBytePointer { k in
                    crypto_aead_xchacha20poly1305_ietf_encrypt(c, &written, m, mlen, ad, adlen, nil, nonce, k)
                }
            }
        }
        guard status == 0 else { throw .messageTooLong(length: plaintext.count, maximum: maximumMessageByteCount) }
        return needed
    }

    /// Verifies and decrypts a sealed message, writing `sealed.count - 16` bytes
    /// at the start of `output` (which may start at `sealed`'s address). Nothing
    /// is trusted unless this returns.
    /// - Returns: the plaintext length.
    /// - Throws: `TrunkError.authenticationFailed` for a wrong key, counter or
    ///   associated data, or tampered bytes.
    @discardableResult
    public func open(
        _ sealed: UnsafeRawBufferPointer, counter: UInt64, associatedData: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws(TrunkError) -> Int {
        guard sealed.count >= TrunkCipher.tagByteCount else {
            throw .ciphertextTooShort(length: sealed.count, minimum: TrunkCipher.tagByteCount)
        }
        let plaintextCount = sealed.count - TrunkCipher.tagByteCount
        guard output.count >= plaintextCount else {
            throw .outputBufferTooSmall(needed: plaintextCount, available: output.count)
        }
        guard !Self.partiallyOverlaps(sealed, output) else { throw .overlappingBuffers }
        var scratch: UInt8 = 0
        var opened: UInt64 = 0
        let status = withUnsafeMutablePointer(to: &scratch) { scratchPointer in
            let m = output.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? scratchPointer
            return withNonce(counter) { nonce in
                withBytePointers(sealed, associatedData) { c, ad in
                    let clen = UInt64(sealed.count)
                    let adlen = UInt64(associatedData.count)
                    if let gcmState {
                        let state = UnsafeRawPointer(gcmState).assumingMemoryBound(to: crypto_aead_aes256gcm_state.self)
                        return crypto_aead_aes256gcm_decrypt_afternm(m, &opened, nil, c, clen, ad, adlen, nonce, state)
                    }
                    return key.storage.withBytePointer { k in
                        crypto_aead_xchacha20poly1305_ietf_decrypt(m, &opened, nil, c, clen, ad, adlen, nonce, k)
                    }
                }
            }
        }
        guard status == 0 else { throw .authenticationFailed }
        return plaintextCount
    }

    /// Convenience: seals `plaintext` into a new array.
    public func seal(_ plaintext: [UInt8], counter: UInt64, associatedData: [UInt8] = []) throws(TrunkError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Self.sealedByteCount(plaintextCount: plaintext.count))
        let result: Result<Int, TrunkError> = plaintext.withUnsafeBytes { p in
            associatedData.withUnsafeBytes { ad in
                output.withUnsafeMutableBytes { out in
                    Result { () throws(TrunkError) -> Int in try seal(p, counter: counter, associatedData: ad, into: out) }
                }
            }
        }
        _ = try result.get()
        return output
    }

    /// Convenience: opens `sealed` into a new array.
    public func open(_ sealed: [UInt8], counter: UInt64, associatedData: [UInt8] = []) throws(TrunkError) -> [UInt8] {
        guard sealed.count >= TrunkCipher.tagByteCount else {
            throw .ciphertextTooShort(length: sealed.count, minimum: TrunkCipher.tagByteCount)
        }
        var output = [UInt8](repeating: 0, count: sealed.count - TrunkCipher.tagByteCount)
        let result: Result<Int, TrunkError> = sealed.withUnsafeBytes { c in
            associatedData.withUnsafeBytes { ad in
                output.withUnsafeMutableBytes { out in
                    Result { () throws(TrunkError) -> Int in try open(c, counter: counter, associatedData: ad, into: out) }
                }
            }
        }
        _ = try result.get()
        return output
    }

    // MARK: - Helpers

    /// Calls `body` with the counter nonce for this cipher, built on the stack:
    /// three big-endian-agnostic words `0, 0, counter.bigEndian`; AES-GCM uses the
    /// last 12 bytes, XChaCha20 all 24.
    @inline(__always)
    private func withNonce(_ counter: UInt64, _ body: (UnsafePointer<UInt8>) -> Int32) -> Int32 {
        var words: (UInt64, UInt64, UInt64) = (0, 0, counter.bigEndian)
        let offset = 24 - cipher.nonceByteCount
        return withUnsafeBytes(of: &words) { raw in
            guard let base = raw.baseAddress else { return -1 }
            return body((base + offset).assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Passes non-nil byte pointers for possibly empty buffers (libsodium reads
    /// nothing through a pointer whose length is zero).
    @inline(__always)
    private func withBytePointers(
        _ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer,
        _ body: (UnsafePointer<UInt8>, UnsafePointer<UInt8>) -> Int32
    ) -> Int32 {
        var placeholder: UInt8 = 0
        return withUnsafePointer(to: &placeholder) { empty in
            let pa = a.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? empty
            let pb = b.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? empty
            return body(pa, pb)
        }
    }

    /// True when the two regions share bytes but do not start at the same address.
    private static func partiallyOverlaps(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) -> Bool {
        guard let i = input.baseAddress, let o = output.baseAddress, input.count > 0, output.count > 0 else {
            return false
        }
        let o2 = UnsafeRawPointer(o)
        if i == o2 { return false }
        return i < o2 + output.count && o2 < i + input.count
    }
}
