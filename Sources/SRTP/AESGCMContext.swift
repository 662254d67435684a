import COpenSSL

/// One AES-GCM key (128 or 256 bits) in an OpenSSL EVP context, sealing and
/// opening in place with a 12-byte IV and a 16-byte tag (RFC 7714 §7).
///
/// Not thread-safe: owned by one `SRTPSession` on one event loop.
final class AESGCMContext {
    static let tagLength = 16
    static let ivLength = 12
    private let context: OpaquePointer
    private let encrypting: Bool

    init(key: [UInt8], encrypting: Bool) throws(SRTPError) {
        guard key.count == 16 || key.count == 32, let context = EVP_CIPHER_CTX_new() else {
            throw .invalidConfiguration(reason: "AES-GCM needs a 16 or 32-byte key")
        }
        let cipher = key.count == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm()
        let ok = encrypting
            ? EVP_EncryptInit_ex(context, cipher, nil, key, nil) == 1
            : EVP_DecryptInit_ex(context, cipher, nil, key, nil) == 1
        guard ok, EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(Self.ivLength), nil) == 1 else {
            EVP_CIPHER_CTX_free(context)
            throw .other(code: -4)
        }
        self.context = context
        self.encrypting = encrypting
    }

    deinit {
        // EVP_CIPHER_CTX_free clears the key schedule.
        EVP_CIPHER_CTX_free(context)
    }

    /// Encrypts `text` in place and writes the tag to `tag` (16 bytes).
    func seal(
        iv: UnsafeRawPointer, aad: UnsafeRawBufferPointer, text: UnsafeMutableRawBufferPointer,
        tag: UnsafeMutableRawPointer
    ) throws(SRTPError) {
        var written: Int32 = 0
        guard encrypting,
              EVP_EncryptInit_ex(context, nil, nil, nil, iv.assumingMemoryBound(to: UInt8.self)) == 1,
              EVP_EncryptUpdate(context, nil, &written, bytes(aad), Int32(aad.count)) == 1,
              EVP_EncryptUpdate(context, mutableBytes(text), &written, bytes(UnsafeRawBufferPointer(text)),
                                Int32(text.count)) == 1,
              EVP_EncryptFinal_ex(context, mutableBytes(text).map { $0 + text.count }, &written) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagLength), tag) == 1
        else { throw .other(code: -5) }
    }

    /// Verifies `tag` and decrypts `text` in place; `.authenticationFailed`
    /// when the tag does not match (the text is then garbage).
    func open(
        iv: UnsafeRawPointer, aad: UnsafeRawBufferPointer, text: UnsafeMutableRawBufferPointer,
        tag: UnsafeRawPointer
    ) throws(SRTPError) {
        var written: Int32 = 0
        guard !encrypting,
              EVP_DecryptInit_ex(context, nil, nil, nil, iv.assumingMemoryBound(to: UInt8.self)) == 1,
              EVP_DecryptUpdate(context, nil, &written, bytes(aad), Int32(aad.count)) == 1,
              EVP_DecryptUpdate(context, mutableBytes(text), &written, bytes(UnsafeRawBufferPointer(text)),
                                Int32(text.count)) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagLength), UnsafeMutableRawPointer(mutating: tag)) == 1
        else { throw .other(code: -6) }
        guard EVP_DecryptFinal_ex(context, mutableBytes(text).map { $0 + text.count }, &written) == 1 else {
            throw .authenticationFailed
        }
    }

    private func bytes(_ buffer: UnsafeRawBufferPointer) -> UnsafePointer<UInt8>? {
        buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
    }

    private func mutableBytes(_ buffer: UnsafeMutableRawBufferPointer) -> UnsafeMutablePointer<UInt8>? {
        buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
    }
}
