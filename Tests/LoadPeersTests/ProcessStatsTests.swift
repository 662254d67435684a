import LoadPeers
import Testing

@Suite("/proc parsing")
struct ProcessStatsTests {
    @Test("utime + stime are fields 14 and 15, counted after the command name even with spaces and parentheses")
    func statLine() throws {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        let line = "4242 (edge mesh (sfu)) S 1 4242 4242 0 -1 4194560 1000 0 3 0 1234 567 0 0 20 0 6 0 100 1000000 2000"
        #expect(try ProcessSample.parseCPUTicks(stat: line) == 1234 + 567)
        #expect(throws: LoadPeersError.self) { try ProcessSample.parseCPUTicks(stat: "4242 no parenthesis") }
        #expect(throws: LoadPeersError.self) { try ProcessSample.parseCPUTicks(stat: "1 (x) S 1 2") }
    }

    @Test("VmRSS in KiB")
    func status() throws {
        let text = "Name:\tedgemesh\nVmPeak:\t  900000 kB\nVmRSS:\t   52344 kB\nThreads:\t6\n"
        #expect(try ProcessSample.parseResidentKiB(status: text) == 52344)
        #expect(throws: LoadPeersError.self) { try ProcessSample.parseResidentKiB(status: "Name:\tx\n") }
    }

    @Test("UDP counters from /proc/net/snmp")
    func snmp() throws {
        let text = """
            Ip: Forwarding DefaultTTL
            Ip: 1 64
            Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
            Udp: 1000 2 7 900 5 1 0 0 0
            UdpLite: InDatagrams NoPorts
            UdpLite: 0 0
            """
        let counters = try UDPCounters.parse(snmp: text)
        #expect(counters == UDPCounters(inDatagrams: 1000, receiveBufferErrors: 5, sendBufferErrors: 1))
        #expect(throws: LoadPeersError.self) { try UDPCounters.parse(snmp: "Ip: a\nIp: 1\n") }
    }

    @Test("this process can be sampled")
    func selfSample() throws {
        let sample = try ProcessSample.read(pid: getpid())
        #expect(sample.residentKiB > 1000)
        #expect(ProcessSample.ticksPerSecond > 0)
        #expect(throws: LoadPeersError.self) { try ProcessSample.read(pid: -1) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
