#if canImport(Glibc)
import Glibc
#endif

/// CPU time and memory of a process, read from Linux's /proc (proc(5)).
public struct ProcessSample: Sendable, Hashable {
    /// utime + stime, in clock ticks (`sysconf(_SC_CLK_TCK)`).
    public var cpuTicks: UInt64
    /// VmRSS in KiB.
    public var residentKiB: UInt64
    /// CLOCK_MONOTONIC nanoseconds when read.
    public var takenAt: UInt64

    public init(cpuTicks: UInt64, residentKiB: UInt64, takenAt: UInt64) {
        self.cpuTicks = cpuTicks
        self.residentKiB = residentKiB
        self.takenAt = takenAt
    }

    /// Clock ticks per second of `cpuTicks`.
    public static var ticksPerSecond: UInt64 {
        #if canImport(Glibc)
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return ticks > 0 ? UInt64(ticks) : 100
        #else
        return 100
        #endif
    }

    /// Reads `/proc/<pid>/stat` and `/proc/<pid>/status`.
    public static func read(pid: Int32) throws(LoadPeersError) -> ProcessSample {
        let statPath = "/proc/\(pid)/stat"
        let statusPath = "/proc/\(pid)/status"
        let ticks = try parseCPUTicks(stat: try ProcText.read(statPath), path: statPath)
        let rss = try parseResidentKiB(status: try ProcText.read(statusPath), path: statusPath)
        return ProcessSample(cpuTicks: ticks, residentKiB: rss, takenAt: MonotonicClock.nanoseconds())
    }

    /// utime (field 14) + stime (field 15) of a `/proc/<pid>/stat` line. The
    /// command name (field 2) is in parentheses and may contain spaces, so
    /// fields are counted after the last ")".
    public static func parseCPUTicks(stat: String, path: String = "stat") throws(LoadPeersError) -> UInt64 {
        guard let close = stat.utf8.lastIndex(of: UInt8(ascii: ")")) else {
            throw .processStats(path: path, reason: "no ')' after the command name")
        }
        let rest = stat.utf8[stat.utf8.index(after: close)...]
        let fields = rest.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        // fields[0] is field 3 (state); utime is field 14, stime field 15.
        guard fields.count > 12,
              let utime = UInt64(String(decoding: fields[11], as: UTF8.self)),
              let stime = UInt64(String(decoding: fields[12], as: UTF8.self))
        else {
            throw .processStats(path: path, reason: "utime/stime not found among \(fields.count) fields")
        }
        return utime + stime
    }

    /// The `VmRSS:` line of `/proc/<pid>/status`, in KiB.
    public static func parseResidentKiB(status: String, path: String = "status") throws(LoadPeersError) -> UInt64 {
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 3, parts[2] == "kB", let value = UInt64(parts[1]) else {
                throw .processStats(path: path, reason: "unreadable VmRSS line")
            }
            return value
        }
        throw .processStats(path: path, reason: "no VmRSS line")
    }
}

/// Kernel UDP counters (`/proc/net/snmp`): datagrams dropped because a
/// socket's receive buffer was full show up as RcvbufErrors.
public struct UDPCounters: Sendable, Hashable {
    public var inDatagrams: UInt64
    public var receiveBufferErrors: UInt64
    public var sendBufferErrors: UInt64

    public init(inDatagrams: UInt64, receiveBufferErrors: UInt64, sendBufferErrors: UInt64) {
        self.inDatagrams = inDatagrams
        self.receiveBufferErrors = receiveBufferErrors
        self.sendBufferErrors = sendBufferErrors
    }

    /// Reads `/proc/net/snmp` of this network namespace.
    public static func read() throws(LoadPeersError) -> UDPCounters {
        try parse(snmp: try ProcText.read("/proc/net/snmp"))
    }

    /// The two `Udp:` lines (names, then values) of `/proc/net/snmp`.
    public static func parse(snmp: String) throws(LoadPeersError) -> UDPCounters {
        let lines = snmp.split(separator: "\n").filter { $0.hasPrefix("Udp:") }
        guard lines.count >= 2 else { throw .processStats(path: "/proc/net/snmp", reason: "no Udp: lines") }
        let names = lines[0].split(separator: " ").dropFirst()
        let values = lines[1].split(separator: " ").dropFirst()
        var table: [Substring: UInt64] = [:]
        for (name, value) in zip(names, values) { table[name] = UInt64(value) }
        guard let inDatagrams = table["InDatagrams"], let rcvbuf = table["RcvbufErrors"] else {
            throw .processStats(path: "/proc/net/snmp", reason: "InDatagrams/RcvbufErrors missing")
        }
        return UDPCounters(inDatagrams: inDatagrams, receiveBufferErrors: rcvbuf, sendBufferErrors: table["SndbufErrors"] ?? 0)
    }
}

/// Reads small text files under /proc (their size is 0 in stat, so read until EOF).
enum ProcText {
    static func read(_ path: String) throws(LoadPeersError) -> String {
        #if canImport(Glibc)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .processStats(path: path, reason: "cannot open (errno \(errno))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 { throw .processStats(path: path, reason: "read failed (errno \(errno))") }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > 1 << 20 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
        #else
        throw .processStats(path: path, reason: "/proc is Linux-only")
        #endif
    }
}
