import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LoadPeers
import NIOCore
import NIOPosix

/// `edgemesh-bench fanout`: one publisher, N subscribers, one running SFU.
struct FanoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "Connect 1 publisher + N subscribers to a running SFU and measure forwarding.",
        discussion: """
            Forwarded packets/s is what the subscribers received; loss is counted from \
            sequence gaps; latency is publisher send → subscriber receive on this machine \
            (CLOCK_MONOTONIC embedded in each packet). With --sfu-pid, the SFU's CPU time \
            (/proc/PID/stat utime+stime) and VmRSS are read around the window.
            """)

    @Option(name: .customLong("sfu-grpc"), help: "The SFU's gRPC address, HOST:PORT.") var sfuGRPC: String
    @Option(name: .customLong("sfu-pid"), help: "Process id of the SFU, for CPU and RSS.") var sfuPID: Int32?
    @Option(help: "Number of subscribers.") var subscribers: Int = 10
    @Option(help: "Measurement window, seconds.") var duration: Double = 10
    @Option(help: "Seconds of sending before the window starts.") var warmup: Double = 2
    @Option(name: .customLong("packet-size"), help: "RTP packet size in bytes (before SRTP).") var packetSize: Int = 1200
    @Option(help: "Publisher video packets per second.") var rate: Int = 1000
    @Option(name: .customLong("packets-per-frame"), help: "Packets per VP8 frame (default: rate / 30).") var packetsPerFrame: Int?
    @Option(name: .customLong("keyframe-interval"), help: "Frames between keyframes.") var keyframeInterval: Int = 300
    @Flag(help: "Also publish an Opus track (50 packets/s).") var audio = false
    @Option(name: .customLong("decrypt-every"), help: "Subscribers unprotect 1 RTP packet in K (latency sample); loss counts all.")
    var decryptEvery: Int = 1
    @Option(help: "Event loop threads for the simulated subscribers (default: cores); the publisher has one of its own.") var threads: Int?
    @Option(name: .customLong("connect-concurrency"), help: "Subscribers connecting at the same time.") var connectConcurrency: Int = 16
    @Option(
        name: .customLong("stalled-tcp-subscribers"),
        help: "Extra ICE-TCP subscribers that stop reading once connected (not measured).")
    var stalledTCPSubscribers: Int = 0
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func validate() throws {
        guard subscribers >= 1 else { throw ValidationError("--subscribers must be at least 1") }
        guard duration > 0, warmup >= 0 else { throw ValidationError("--duration must be positive, --warmup not negative") }
        guard rate >= 1 else { throw ValidationError("--rate must be at least 1") }
        guard decryptEvery >= 1 else { throw ValidationError("--decrypt-every must be at least 1") }
        _ = try address()
    }

    private func address() throws -> (host: String, port: Int) {
        guard let colon = sfuGRPC.lastIndex(of: ":"), let port = Int(sfuGRPC[sfuGRPC.index(after: colon)...]),
              (1...65535).contains(port)
        else { throw ValidationError("--sfu-grpc must be HOST:PORT") }
        return (String(sfuGRPC[..<colon]), port)
    }

    func run() async throws {
        let (host, port) = try address()
        var configuration = FanoutConfiguration()
        configuration.subscribers = subscribers
        configuration.decryptEvery = decryptEvery
        // "At socket" latency needs kernel receive timestamps (they cost the SFU a little CPU too).
        configuration.peer.socketTimestamps = true
        configuration.connectConcurrency = connectConcurrency
        configuration.stalledTCPSubscribers = stalledTCPSubscribers
        configuration.publisher.packetRate = rate
        configuration.publisher.audio = audio
        configuration.publisher.video.packetSize = packetSize
        configuration.publisher.video.packetsPerFrame = packetsPerFrame ?? max(1, rate / 30)
        configuration.publisher.video.keyframeInterval = keyframeInterval

        let rssBefore = try sfuPID.map { try ProcessSample.read(pid: $0).residentKiB }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads ?? System.coreCount)
        // The publisher gets a thread of its own (see `FanoutSession.connect`).
        let publisherGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let connectStart = MonotonicClock.nanoseconds()
        let report = try await SFUControlClient.with(host: host, port: port, group: group) { control in
            let session = try await FanoutSession.connect(
                control: control, group: group, publisherLoop: publisherGroup.next(), configuration: configuration)
            let connectSeconds = Double(MonotonicClock.nanoseconds() - connectStart) / 1e9
            do {
                try await session.publisher.startSending()
                try await Task.sleep(for: .milliseconds(Int(warmup * 1000)))
                let udpBefore = try? UDPCounters.read()
                let nodeBefore = try? await control.nodeStats()
                let cpuBefore = try sfuPID.map { try ProcessSample.read(pid: $0) }
                let selfBefore = try? ProcessSample.read(pid: getpid())
                try await session.beginWindow()
                try await Task.sleep(for: .milliseconds(Int(duration * 1000)))
                let measurement = try await session.endWindow()
                let cpuAfter = try sfuPID.map { try ProcessSample.read(pid: $0) }
                let selfAfter = try? ProcessSample.read(pid: getpid())
                let nodeAfter = try? await control.nodeStats()
                let udpAfter = try? UDPCounters.read()
                var report = FanoutReport(
                    measurement: measurement, configuration: configuration, connectSeconds: connectSeconds,
                    rssBeforeKiB: rssBefore, cpuBefore: cpuBefore, cpuAfter: cpuAfter)
                if let selfBefore, let selfAfter {
                    report.loadGeneratorCPUCores = Double(selfAfter.cpuTicks &- selfBefore.cpuTicks)
                        / Double(ProcessSample.ticksPerSecond) / (Double(selfAfter.takenAt &- selfBefore.takenAt) / 1e9)
                }
                if let udpBefore, let udpAfter {
                    report.kernelReceiveBufferDrops = udpAfter.receiveBufferErrors &- udpBefore.receiveBufferErrors
                }
                if let nodeBefore, let nodeAfter {
                    report.sfuForwardedPacketsPerSecond =
                        Double(nodeAfter.packetsForwarded &- nodeBefore.packetsForwarded) / measurement.seconds
                    report.sfuDrops = nodeAfter.drops.filter { $0.value > 0 }
                }
                await session.close(control: control)
                return report
            } catch {
                await session.close(control: control)
                throw error
            }
        }
        try? await group.shutdownGracefully()
        try? await publisherGroup.shutdownGracefully()
        print(json ? try report.json() : report.text())
    }
}
