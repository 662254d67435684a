#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// When the kernel queued the last datagram a UDP socket received
/// (`SIOCGSTAMPNS`), on `MonotonicClock`'s scale.
///
/// A subscriber's own receive time includes the load generator's delay: on
/// one thread it works through hundreds of sockets after each fan-out, so
/// the 500th copy is read milliseconds after it arrived. The socket's
/// arrival time is when the datagram reached the subscriber (on loopback:
/// when the SFU's send handed it over), which is what "latency added by the
/// SFU" means. It is the stamp of the last datagram of the latest read, so
/// for a datagram read in a batch it can only be later than its true arrival:
/// it never makes latency look smaller than it was.
enum SocketArrival {
    /// `SIOCGSTAMPNS` (`SIOCGSTAMPNS_OLD`, 0x8907; the same `timespec` on
    /// 64-bit Linux). Glibc defines it through a macro Swift cannot import.
    private static let getStampNanoseconds: UInt = 0x8907

    /// Opens a non-blocking UDP socket bound to `host`:0 for NIO to adopt,
    /// with kernel receive timestamps switched on when `timestamps` (the
    /// first `SIOCGSTAMPNS` enables them; it fails with ENOENT until a
    /// datagram arrives).
    static func boundSocket(host: String, timestamps: Bool) throws -> CInt {
        let address = try SocketAddress(ipAddress: host, port: 0)
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let descriptor = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        let bound = address.withSockAddr { pointer, size in Glibc.bind(descriptor, pointer, socklen_t(size)) }
        guard bound == 0 else {
            let code = errno
            close(descriptor)
            throw IOError(errnoCode: code, reason: "bind")
        }
        if timestamps { _ = lastArrival(descriptor) }
        return descriptor
    }

    /// The arrival time of the socket's latest datagram in `MonotonicClock`
    /// nanoseconds, or nil when there is none (or timestamps are unavailable).
    static func lastArrival(_ descriptor: CInt) -> UInt64? {
        var stamp = timespec()
        guard ioctl(descriptor, getStampNanoseconds, &stamp) == 0 else { return nil }
        // The stamp is CLOCK_REALTIME; move it onto CLOCK_MONOTONIC with the current offset.
        var real = timespec()
        clock_gettime(CLOCK_REALTIME, &real)
        let monotonic = MonotonicClock.nanoseconds()
        let realNow = nanoseconds(real), stamped = nanoseconds(stamp)
        guard stamped <= realNow, realNow - stamped <= monotonic else { return nil }
        return monotonic - (realNow - stamped)
    }

    private static func nanoseconds(_ spec: timespec) -> UInt64 {
        UInt64(truncatingIfNeeded: spec.tv_sec) &* 1_000_000_000 &+ UInt64(truncatingIfNeeded: spec.tv_nsec)
    }
}
