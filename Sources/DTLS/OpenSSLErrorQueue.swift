import COpenSSL

/// Helpers around OpenSSL's thread-local error queue.
enum OpenSSLErrorQueue {
    /// Empties the calling thread's error queue, so that a later failure
    /// reports its own cause and not a stale one.
    static func clear() {
        ERR_clear_error()
    }

    /// Drains the queue and returns the first (oldest) error as text, or
    /// `fallback` when the queue is empty.
    static func drain(fallback: String) -> String {
        var first: String?
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if first == nil {
                first = string(for: code)
            }
        }
        return first ?? fallback
    }

    private static func string(for code: UInt) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = buffer.count
        buffer.withUnsafeMutableBufferPointer { pointer in
            ERR_error_string_n(code, pointer.baseAddress, count)
        }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
