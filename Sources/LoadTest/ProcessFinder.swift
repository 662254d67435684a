#if canImport(Glibc)
import Glibc
#endif
import LoadPeers

/// Finds processes by name in /proc (proc(5): `/proc/<pid>/comm` holds the
/// first 15 bytes of the executable's name).
public enum ProcessFinder {
    /// Pids whose `comm` equals `name` (cut to 15 bytes), excluding this process.
    public static func pids(named name: String) -> [Int32] {
        #if canImport(Glibc)
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        let wanted = String(name.utf8.prefix(15)) ?? name
        let me = getpid()
        var result: [Int32] = []
        while let entry = readdir(directory) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = Int32(entryName), pid != me else { continue }
            guard let comm = try? readComm(pid: pid), comm == wanted else { continue }
            result.append(pid)
        }
        return result.sorted()
        #else
        return []
        #endif
    }

    static func readComm(pid: Int32) throws -> String {
        #if canImport(Glibc)
        let fd = open("/proc/\(pid)/comm", O_RDONLY)
        guard fd >= 0 else { throw LoadTestError.http("no /proc/\(pid)/comm") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return "" }
        return String(decoding: buffer[0..<count], as: UTF8.self).trimmingNewline
        #else
        return ""
        #endif
    }

    /// This process's id.
    public static var ownPID: Int32 {
        #if canImport(Glibc)
        getpid()
        #else
        0
        #endif
    }
}

extension String {
    var trimmingNewline: String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}

/// CPU samples of several processes taken together.
struct ProcessGroupSample: Sendable {
    var samples: [Int32: ProcessSample]

    static func read(_ pids: [Int32]) -> ProcessGroupSample {
        var samples: [Int32: ProcessSample] = [:]
        for pid in pids { samples[pid] = try? ProcessSample.read(pid: pid) }
        return ProcessGroupSample(samples: samples)
    }

    /// CPU seconds used from `earlier` to this sample (pids present in both).
    func cpuSeconds(since earlier: ProcessGroupSample) -> Double {
        var ticks: UInt64 = 0
        for (pid, sample) in samples {
            guard let before = earlier.samples[pid], sample.cpuTicks >= before.cpuTicks else { continue }
            ticks += sample.cpuTicks - before.cpuTicks
        }
        return Double(ticks) / Double(ProcessSample.ticksPerSecond)
    }

    var residentKiB: UInt64 { samples.values.reduce(0) { $0 + $1.residentKiB } }
}
