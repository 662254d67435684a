import Foundation
import LoadPeers

/// What `edgemesh-bench fanout` prints.
struct FanoutReport: Encodable {
    var subscribers: Int
    var packetSize: Int
    var publisherRate: Int
    var audio: Bool
    var decryptEvery: Int
    var connectSeconds: Double
    var windowSeconds: Double
    var packetsPublished: UInt64
    var publisherSkipped: UInt64
    var packetsReceived: UInt64
    var packetsExpected: UInt64
    var packetsLost: UInt64
    var duplicates: UInt64
    var outOfWindow: UInt64
    var forwardedPacketsPerSecond: Double
    var lossPercent: Double
    var minimumPerSubscriber: UInt64
    var maximumPerSubscriber: UInt64
    var latencySamples: UInt64
    var latencyP50Microseconds: Double?
    var latencyP99Microseconds: Double?
    var latencyMaxMicroseconds: Double?
    /// Send → queued on the subscriber's socket (kernel timestamp): without the load generator's own queueing.
    var socketLatencySamples: UInt64
    var socketLatencyP50Microseconds: Double?
    var socketLatencyP99Microseconds: Double?
    var socketLatencyMaxMicroseconds: Double?
    var pliReceived: UInt64
    var nackedPackets: UInt64
    var retransmitted: UInt64
    var srtpErrors: UInt64
    var sfuCPUSeconds: Double?
    var sfuCPUCores: Double?
    var sfuCPUMicrosecondsPerPacket: Double?
    var forwardedPacketsPerSecondPerCore: Double?
    var sfuRSSBeforeKiB: UInt64?
    var sfuRSSAfterKiB: UInt64?
    var sfuRSSPerSubscriberKiB: Double?
    var sfuForwardedPacketsPerSecond: Double?
    var sfuDrops: [String: UInt64] = [:]
    var kernelReceiveBufferDrops: UInt64?
    /// CPU cores the load generator itself used in the window.
    var loadGeneratorCPUCores: Double?

    init(
        measurement m: FanoutMeasurement, configuration: FanoutConfiguration, connectSeconds: Double,
        rssBeforeKiB: UInt64?, cpuBefore: ProcessSample?, cpuAfter: ProcessSample?
    ) {
        subscribers = m.subscribers
        packetSize = configuration.publisher.video.packetSize
        publisherRate = configuration.publisher.packetRate
        audio = configuration.publisher.audio
        decryptEvery = configuration.decryptEvery
        self.connectSeconds = connectSeconds
        windowSeconds = m.seconds
        packetsPublished = m.packetsPublished
        publisherSkipped = m.publisher.packetsSkipped
        packetsReceived = m.packetsReceived
        packetsExpected = m.packetsExpected
        packetsLost = m.packetsLost
        duplicates = m.duplicates
        outOfWindow = m.outOfWindow
        forwardedPacketsPerSecond = m.forwardedPacketsPerSecond
        lossPercent = m.lossFraction * 100
        minimumPerSubscriber = m.minimumPerSubscriber
        maximumPerSubscriber = m.maximumPerSubscriber
        latencySamples = m.latency.count
        latencyP50Microseconds = m.latency.percentile(0.5).map { Double($0) / 1000 }
        latencyP99Microseconds = m.latency.percentile(0.99).map { Double($0) / 1000 }
        latencyMaxMicroseconds = m.latency.count > 0 ? Double(m.latency.maximum) / 1000 : nil
        socketLatencySamples = m.socketLatency.count
        socketLatencyP50Microseconds = m.socketLatency.percentile(0.5).map { Double($0) / 1000 }
        socketLatencyP99Microseconds = m.socketLatency.percentile(0.99).map { Double($0) / 1000 }
        socketLatencyMaxMicroseconds = m.socketLatency.count > 0 ? Double(m.socketLatency.maximum) / 1000 : nil
        pliReceived = m.publisher.pliReceived
        nackedPackets = m.publisher.nackedPackets
        retransmitted = m.publisher.retransmitted
        srtpErrors = m.srtpErrors
        if let cpuBefore, let cpuAfter {
            let cpu = Double(cpuAfter.cpuTicks &- cpuBefore.cpuTicks) / Double(ProcessSample.ticksPerSecond)
            let wall = Double(cpuAfter.takenAt &- cpuBefore.takenAt) / 1e9
            sfuCPUSeconds = cpu
            sfuCPUCores = wall > 0 ? cpu / wall : nil
            if m.packetsReceived > 0 { sfuCPUMicrosecondsPerPacket = cpu * 1e6 / Double(m.packetsReceived) }
            if cpu > 0, wall > 0 { forwardedPacketsPerSecondPerCore = m.forwardedPacketsPerSecond / (cpu / wall) }
            sfuRSSAfterKiB = cpuAfter.residentKiB
        }
        sfuRSSBeforeKiB = rssBeforeKiB
        if let before = rssBeforeKiB, let after = sfuRSSAfterKiB {
            sfuRSSPerSubscriberKiB = (Double(after) - Double(before)) / Double(max(1, m.subscribers))
        }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func text() -> String {
        func f(_ value: Double?, _ digits: Int = 1) -> String {
            value.map { String(format: "%.\(digits)f", $0) } ?? "n/a"
        }
        var lines = [
            "fan-out: 1 publisher → \(subscribers) subscribers, \(publisherRate) pps × \(packetSize) B"
                + (audio ? " + Opus" : "") + ", window \(f(windowSeconds, 2)) s (connect \(f(connectSeconds, 2)) s)",
            "published packets:        \(packetsPublished) (skipped by pacer: \(publisherSkipped))",
            "forwarded packets/s:      \(f(forwardedPacketsPerSecond, 0)) (received \(packetsReceived) of \(packetsExpected) expected;"
                + " per subscriber \(minimumPerSubscriber)…\(maximumPerSubscriber))",
            "loss:                     \(f(lossPercent, 4)) % (\(packetsLost) packets; duplicates \(duplicates); out of window \(outOfWindow))",
            "latency p50/p99/max:      \(f(latencyP50Microseconds)) / \(f(latencyP99Microseconds)) / \(f(latencyMaxMicroseconds)) µs"
                + " (\(latencySamples) samples)",
            "… to socket p50/p99/max:  \(f(socketLatencyP50Microseconds)) / \(f(socketLatencyP99Microseconds)) / \(f(socketLatencyMaxMicroseconds)) µs"
                + " (\(socketLatencySamples) samples; kernel arrival time, without the load generator's queueing)",
            "publisher feedback:       PLI \(pliReceived), NACKed \(nackedPackets), retransmitted \(retransmitted)",
        ]
        if sfuCPUSeconds != nil {
            lines.append("SFU CPU:                  \(f(sfuCPUSeconds, 2)) s = \(f(sfuCPUCores, 2)) cores;"
                + " \(f(sfuCPUMicrosecondsPerPacket, 3)) µs/packet; \(f(forwardedPacketsPerSecondPerCore, 0)) packets/s per core")
        }
        if let before = sfuRSSBeforeKiB {
            lines.append("SFU RSS:                  \(before) KiB before → \(sfuRSSAfterKiB.map(String.init) ?? "n/a") KiB;"
                + " \(f(sfuRSSPerSubscriberKiB)) KiB per subscriber")
        }
        if let sfuForwardedPacketsPerSecond {
            lines.append("SFU-reported forwarded/s: \(f(sfuForwardedPacketsPerSecond, 0)); drops \(sfuDrops)")
        }
        if let loadGeneratorCPUCores {
            lines.append("load generator CPU:       \(f(loadGeneratorCPUCores, 2)) cores")
        }
        if let kernelReceiveBufferDrops {
            lines.append("kernel UDP RcvbufErrors:  \(kernelReceiveBufferDrops) during the window (all sockets)")
        }
        if srtpErrors > 0 { lines.append("SRTP errors:              \(srtpErrors)") }
        return lines.joined(separator: "\n")
    }
}
