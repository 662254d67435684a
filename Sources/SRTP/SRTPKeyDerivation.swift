import COpenSSL

/// RFC 3711 §4.3.1 key derivation with the AES-CM PRF (§4.3.3), key
/// derivation rate 0 (so `r = index DIV kdr = 0`), for the AEAD profiles of
/// RFC 7714 §11 (AES_128_CM_PRF for AEAD_AES_128_GCM, RFC 6188's
/// AES_256_CM_PRF for AEAD_AES_256_GCM).
///
/// ```
/// key_id = label || r            (8 + 48 bits)
/// x      = key_id XOR master_salt (112 bits, key_id right-aligned)
/// output = AES-CM keystream with IV = x * 2^16:
///          AES_k(x || 0x0000) || AES_k(x || 0x0001) || …
/// ```
///
/// The 96-bit AEAD master salt is multiplied by 2^16 (zero-padded on the
/// right) to form the 112-bit salt (RFC 7714 erratum 4938, libsrtp's
/// convention).
enum SRTPKeyDerivation {
    /// RFC 3711 §4.3.1 labels.
    enum Label: UInt8 {
        case srtpEncryption = 0x00
        case srtpSalt = 0x02
        case srtcpEncryption = 0x03
        case srtcpSalt = 0x05
    }

    /// The first `length` bytes of the PRF output for `label`.
    static func derive(
        masterKey: [UInt8], masterSalt: [UInt8], label: Label, length: Int
    ) throws(SRTPError) -> [UInt8] {
        guard masterKey.count == 16 || masterKey.count == 32, masterSalt.count <= 14 else {
            throw .invalidConfiguration(reason: "KDF needs a 16 or 32-byte key and at most 14 salt bytes")
        }
        var x = [UInt8](repeating: 0, count: 16)
        for index in masterSalt.indices { x[index] = masterSalt[index] }
        x[7] ^= label.rawValue
        let blocks = (length + 15) / 16
        var input = [UInt8](repeating: 0, count: blocks * 16)
        for block in 0..<blocks {
            for index in 0..<14 { input[block * 16 + index] = x[index] }
            input[block * 16 + 14] = UInt8(truncatingIfNeeded: block >> 8)
            input[block * 16 + 15] = UInt8(truncatingIfNeeded: block)
        }
        var output = try aesECB(key: masterKey, input)
        defer { for index in output.indices { output[index] = 0 } }
        return Array(output.prefix(length))
    }

    /// AES in ECB mode over whole blocks, no padding.
    private static func aesECB(key: [UInt8], _ input: [UInt8]) throws(SRTPError) -> [UInt8] {
        guard let context = EVP_CIPHER_CTX_new() else { throw .other(code: -2) }
        defer { EVP_CIPHER_CTX_free(context) }
        let cipher = key.count == 32 ? EVP_aes_256_ecb() : EVP_aes_128_ecb()
        var output = [UInt8](repeating: 0, count: input.count + 16)
        var written: Int32 = 0
        guard EVP_EncryptInit_ex(context, cipher, nil, key, nil) == 1,
              EVP_CIPHER_CTX_set_padding(context, 0) == 1,
              EVP_EncryptUpdate(context, &output, &written, input, Int32(input.count)) == 1,
              Int(written) == input.count
        else { throw .other(code: -3) }
        return output
    }
}
