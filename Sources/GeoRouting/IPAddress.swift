import Foundation

/// A parsed IP address as a socket address, for `MMDB_lookup_sockaddr`.
///
/// Accepts exactly what `inet_pton(3)` accepts: IPv4 dotted quad with four
/// decimal parts (no `127.1` or hex forms, unlike getaddrinfo), and IPv6 text
/// per RFC 4291 §2.2 (including `::ffff:1.2.3.4`). No zone index, port,
/// brackets or whitespace.
struct IPAddress {
    private var storage = sockaddr_storage()

    init?(_ text: String) {
        // The longest textual IPv6 address is 45 characters; NULs would cut the C string.
        guard !text.isEmpty, text.utf8.count <= 45, !text.utf8.contains(0) else { return nil }
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, text, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            withUnsafeMutableBytes(of: &storage) { raw in
                withUnsafeBytes(of: v4) { raw.copyMemory(from: $0) }
            }
            return
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, text, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            withUnsafeMutableBytes(of: &storage) { raw in
                withUnsafeBytes(of: v6) { raw.copyMemory(from: $0) }
            }
            return
        }
        return nil
    }

    mutating func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>) -> R) -> R {
        withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1, body)
        }
    }
}
