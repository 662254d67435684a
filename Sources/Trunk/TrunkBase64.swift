import CSodium

/// Standard padded base64 (RFC 4648 §4) through libsodium's constant-time
/// `sodium_bin2base64` / `sodium_base642bin`, used for keys in files and
/// credentials.
public enum TrunkBase64 {
    private static let variant = sodium_base64_VARIANT_ORIGINAL

    /// Encodes `bytes` as padded standard base64.
    public static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { encode($0) }
    }

    /// Encodes raw bytes as padded standard base64.
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        TrunkCrypto.ensureInitialized()
        let capacity = sodium_base64_encoded_len(bytes.count, variant)  // includes the NUL
        guard capacity > 0 else { return "" }
        var out = [CChar](repeating: 0, count: capacity)
        var placeholder: UInt8 = 0
        let bin = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let produced = out.withUnsafeMutableBufferPointer { o -> Bool in
            guard let oBase = o.baseAddress else { return false }
            return withUnsafePointer(to: &placeholder) { empty in
                sodium_bin2base64(oBase, capacity, bin ?? empty, bytes.count, variant) != nil
            }
        }
        guard produced else { return "" }
        return String(decoding: out.prefix(capacity - 1).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Decodes padded standard base64. No whitespace or other characters are
    /// accepted anywhere, so callers trim line ends themselves.
    public static func decode(_ string: String) throws(TrunkError) -> [UInt8] {
        TrunkCrypto.ensureInitialized()
        let b64 = Array(string.utf8)
        guard !b64.isEmpty else { return [] }
        let capacity = (b64.count / 4 + 1) * 3
        var out = [UInt8](repeating: 0, count: capacity)
        var length = 0
        let status = b64.withUnsafeBufferPointer { input -> Int32 in
            out.withUnsafeMutableBufferPointer { o -> Int32 in
                guard let oBase = o.baseAddress, let iBase = input.baseAddress else { return -1 }
                return iBase.withMemoryRebound(to: CChar.self, capacity: input.count) { chars in
                    sodium_base642bin(oBase, capacity, chars, input.count, nil, &length, nil, variant)
                }
            }
        }
        guard status == 0, length <= capacity else { throw .invalidBase64(length: b64.count) }
        return Array(out.prefix(length))
    }
}
