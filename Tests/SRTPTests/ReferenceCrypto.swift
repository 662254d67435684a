import COpenSSL
import Foundation

/// Independent reference implementations of the SRTP building blocks, on
/// OpenSSL's raw AES, to check libsrtp's output against the RFCs.
enum ReferenceCrypto {
    /// AES in ECB mode on whole blocks (key 16 or 32 bytes).
    static func aesECB(key: [UInt8], _ input: [UInt8]) -> [UInt8] {
        guard let context = EVP_CIPHER_CTX_new() else { return [] }
        defer { EVP_CIPHER_CTX_free(context) }
        let cipher = key.count == 32 ? EVP_aes_256_ecb() : EVP_aes_128_ecb()
        var output = [UInt8](repeating: 0, count: input.count + 32)
        var written: Int32 = 0
        guard EVP_EncryptInit_ex(context, cipher, nil, key, nil) == 1,
              EVP_CIPHER_CTX_set_padding(context, 0) == 1,
              EVP_EncryptUpdate(context, &output, &written, input, Int32(input.count)) == 1
        else { return [] }
        return Array(output.prefix(Int(written)))
    }

    /// RFC 3711 §4.3.1 key derivation with key_derivation_rate 0 (so r = 0):
    /// x = (label || 0^48) XOR master_salt, as a 112-bit value; the output is
    /// the AES-CM keystream from IV = x * 2^16. A 96-bit AEAD master salt
    /// is zero-padded on the right to 112 bits (libsrtp's convention).
    static func deriveSessionKey(masterKey: [UInt8], masterSalt: [UInt8], label: UInt8, length: Int) -> [UInt8] {
        var x = masterSalt + [UInt8](repeating: 0, count: 14 - masterSalt.count)
        x[7] ^= label
        var keystream: [UInt8] = []
        var counter: UInt16 = 0
        while keystream.count < length {
            let block = x + [UInt8(counter >> 8), UInt8(counter & 0xFF)]
            keystream += aesECB(key: masterKey, block)
            counter += 1
        }
        return Array(keystream.prefix(length))
    }

    /// AES-GCM encryption with a 16-byte tag: ciphertext || tag.
    static func aesGCM(key: [UInt8], iv: [UInt8], aad: [UInt8], plaintext: [UInt8]) -> [UInt8] {
        guard let context = EVP_CIPHER_CTX_new() else { return [] }
        defer { EVP_CIPHER_CTX_free(context) }
        let cipher = key.count == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm()
        var output = [UInt8](repeating: 0, count: plaintext.count + 16)
        var written: Int32 = 0
        var ignored: Int32 = 0
        var tag = [UInt8](repeating: 0, count: 16)
        guard EVP_EncryptInit_ex(context, cipher, nil, nil, nil) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(iv.count), nil) == 1,
              EVP_EncryptInit_ex(context, nil, nil, key, iv) == 1,
              EVP_EncryptUpdate(context, nil, &ignored, aad, Int32(aad.count)) == 1,
              EVP_EncryptUpdate(context, &output, &written, plaintext, Int32(plaintext.count)) == 1,
              EVP_EncryptFinal_ex(context, &output[Int(written)], &ignored) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, &tag) == 1
        else { return [] }
        return Array(output.prefix(plaintext.count)) + tag
    }

    /// RFC 7714 §8.1 SRTP AEAD protection of an RTP packet with a 12-byte
    /// header, given session key and salt: IV = (0x0000 || SSRC || ROC || SEQ)
    /// XOR session salt; AAD = the header.
    static func protectRTPWithGCM(sessionKey: [UInt8], sessionSalt: [UInt8], packet: [UInt8], rolloverCounter: UInt32 = 0) -> [UInt8] {
        let header = Array(packet.prefix(12))
        var iv = [UInt8](repeating: 0, count: 12)
        iv[2..<6] = header[8..<12]  // SSRC
        iv[6] = UInt8(rolloverCounter >> 24)
        iv[7] = UInt8((rolloverCounter >> 16) & 0xFF)
        iv[8] = UInt8((rolloverCounter >> 8) & 0xFF)
        iv[9] = UInt8(rolloverCounter & 0xFF)
        iv[10] = header[2]  // sequence number
        iv[11] = header[3]
        for index in 0..<12 { iv[index] ^= sessionSalt[index] }
        return header + aesGCM(key: sessionKey, iv: iv, aad: header, plaintext: Array(packet.dropFirst(12)))
    }
}

func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count - 1, by: 2).map { UInt8(String(digits[$0...($0 + 1)]), radix: 16) ?? 0 }
}

/// Resident set size from /proc/self/statm (Linux), in bytes.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * 4096
}
