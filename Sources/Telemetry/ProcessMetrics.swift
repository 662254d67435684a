#if canImport(Glibc)
import Glibc
#endif

/// The standard Prometheus process collector's two most used series, read
/// from /proc at scrape time (Linux): `process_cpu_seconds_total` and
/// `process_resident_memory_bytes`. Elsewhere they are omitted.
enum ProcessMetrics {
    static func render() -> String {
        #if os(Linux)
        guard let stat = readFile("/proc/self/stat"), let statm = readFile("/proc/self/statm") else { return "" }
        // Fields after the parenthesised command name: utime and stime are
        // fields 14 and 15 of stat(5), i.e. 12 and 13 after ") ".
        guard let close = stat.lastIndex(of: ")") else { return "" }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let pageFields = statm.split(separator: " ")
        guard fields.count > 13, pageFields.count > 1,
              let utime = Double(fields[11]), let stime = Double(fields[12]),
              let residentPages = Double(pageFields[1])
        else { return "" }
        let ticks = Double(max(1, sysconf(Int32(_SC_CLK_TCK))))
        let pageSize = Double(max(1, sysconf(Int32(_SC_PAGESIZE))))
        return """
            # HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
            # TYPE process_cpu_seconds_total counter
            process_cpu_seconds_total \((utime + stime) / ticks)
            # HELP process_resident_memory_bytes Resident memory size in bytes.
            # TYPE process_resident_memory_bytes gauge
            process_resident_memory_bytes \(Int(residentPages * pageSize))

            """
        #else
        return ""
        #endif
    }

    private static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: " \n")
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }
}
