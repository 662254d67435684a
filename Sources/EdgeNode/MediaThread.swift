import NIOPosix

#if canImport(Glibc)
import Glibc

/// glibc's `gettid(2)` wrapper (glibc 2.30+; not exported by the Glibc module).
@_silgen_name("gettid")
private func glibcGettid() -> Int32
#endif

/// The media plane's own event loop thread.
///
/// Media used to share NIO's singleton group with the node's gRPC server, the
/// metrics server and (in `edgemesh dev`) the backend's HTTP, WebSocket and
/// gRPC client channels; on a machine with one core for the process that
/// group has one thread, so a burst of signaling queued datagrams behind it.
/// With a thread of its own, at a higher priority where the process may set
/// one, a join storm no longer delays forwarding, and a client whose DTLS
/// flight arrives gets its handshake done at once instead of behind other
/// clients' signaling.
enum MediaThread {
    /// One thread for every node of the process (`edgemesh dev` runs several).
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// Sets the calling thread's nice value (Linux keeps it per thread).
    /// Values below the current one need CAP_SYS_NICE; returns false when
    /// the kernel refuses.
    static func setNice(_ value: Int) -> Bool {
        #if os(Linux)
        return setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(glibcGettid()), Int32(clamping: value)) == 0
        #else
        return false
        #endif
    }
}
