import LoadPeers

/// How a run is paced and measured.
public struct LoadTestOptions: Sendable {
    public var shape: LoadShape
    /// Length of the measurement window after everyone joined, seconds.
    public var duration: Double = 10
    /// Participants joining (started, no media yet) at the same time; 0: no limit (a burst).
    public var joinConcurrency: Int = 0
    /// Seconds to wait for everyone to join before the window starts anyway.
    public var joinTimeout: Double = 30
    /// SFU processes whose CPU is reported.
    public var sfuPIDs: [Int32] = []

    public init(shape: LoadShape) { self.shape = shape }
}

/// Runs one load shape against one SFU through a signaling driver, printing
/// a progress line each second, and returns the report.
public struct LoadTestRunner: Sendable {
    public let options: LoadTestOptions
    public let driver: any SignalingDriver
    public let peers: PeerFactory

    public init(options: LoadTestOptions, driver: any SignalingDriver, peers: PeerFactory) {
        self.options = options
        self.driver = driver
        self.peers = peers
    }

    public func run(progress: @escaping @Sendable (String) -> Void) async -> LoadTestReport {
        let shape = options.shape
        let publishers = shape.publisherPlans.map(ParticipantHandle.init)
        let subscribers = shape.subscriberPlans.map(ParticipantHandle.init)
        let everyone = publishers + subscribers
        let meter = ProgressMeter(handles: everyone, sfuPIDs: options.sfuPIDs)
        let startedAt = MonotonicClock.nanoseconds()

        return await withTaskGroup(of: Void.self) { tasks in
            // Phase 1: publishers, until all are sending (or failed).
            await launch(publishers, into: &tasks, meter: meter, progress: progress)
            await waitUntil(seconds: options.joinTimeout, meter: meter, progress: progress) {
                publishers.allSatisfy { let s = $0.snapshot; return s.publisherConnected || s.finished || s.failure != nil }
            }
            // Phase 2: subscribers (a burst, or spread for late joiners).
            await launch(subscribers, into: &tasks, meter: meter, progress: progress)
            let spread = shape.scenario == .lateJoiners ? shape.joinSpread : 0
            await waitUntil(seconds: options.joinTimeout + spread, meter: meter, progress: progress) {
                await everyone.asyncAllSatisfy { handle in
                    let s = handle.snapshot
                    guard handle.plan.subscribes else { return true }
                    if s.finished || s.failure != nil { return true }
                    return await (try? s.subscriber?.statistics().firstPacketAt) != nil
                }
            }
            // Measurement window.
            let window = await measure(everyone: everyone, meter: meter, progress: progress)
            // Leave.
            for handle in everyone { await handle.snapshot.leave?() }
            await waitUntil(seconds: 5, meter: nil, progress: progress) { everyone.allSatisfy { $0.snapshot.finished } }
            // Participants still connecting (or whose server did not close): closing their peers ends them.
            for handle in everyone where !handle.snapshot.finished {
                await handle.snapshot.publisher?.close()
                await handle.snapshot.subscriber?.close()
            }
            await waitUntil(seconds: 10, meter: nil, progress: progress) { everyone.allSatisfy { $0.snapshot.finished } }
            tasks.cancelAll()
            _ = startedAt
            return window
        }
    }

    /// Starts participants at their delays, keeping at most `joinConcurrency` joining at once.
    private func launch(
        _ handles: [ParticipantHandle], into tasks: inout TaskGroup<Void>, meter: ProgressMeter,
        progress: @escaping @Sendable (String) -> Void
    ) async {
        let phaseStart = MonotonicClock.nanoseconds()
        var inFlight: [ParticipantHandle] = []
        for handle in handles {
            let due = phaseStart &+ UInt64(max(0, handle.plan.startDelay) * 1e9)
            while MonotonicClock.nanoseconds() < due
                || (options.joinConcurrency > 0 && inFlight.count >= options.joinConcurrency) {
                try? await Task.sleep(for: .milliseconds(5))
                await meter.tickIfDue(progress)
                var stillJoining: [ParticipantHandle] = []
                for joining in inFlight where await !joining.hasJoinedMedia() { stillJoining.append(joining) }
                inFlight = stillJoining
            }
            let driver = self.driver
            let peers = self.peers
            tasks.addTask { await driver.run(handle, peers: peers) }
            inFlight.append(handle)
        }
    }

    private func waitUntil(
        seconds: Double, meter: ProgressMeter?, progress: @escaping @Sendable (String) -> Void,
        _ condition: () async -> Bool
    ) async {
        let deadline = MonotonicClock.nanoseconds() &+ UInt64(seconds * 1e9)
        while MonotonicClock.nanoseconds() < deadline {
            if await condition() { return }
            try? await Task.sleep(for: .milliseconds(20))
            await meter?.tickIfDue(progress)
        }
    }

    private func measure(
        everyone: [ParticipantHandle], meter: ProgressMeter, progress: @escaping @Sendable (String) -> Void
    ) async -> LoadTestReport {
        for handle in everyone { try? await handle.snapshot.subscriber?.beginWindow() }
        var sentBefore: UInt64 = 0
        var layersBefore: [String: [LayerStatistics]] = [:]
        for handle in everyone {
            sentBefore += await handle.packetsSent()
            if let stats = try? await handle.snapshot.publisher?.statistics() { layersBefore[handle.plan.identity] = stats.layers }
        }
        let sfuBefore = ProcessGroupSample.read(options.sfuPIDs)
        let selfBefore = ProcessGroupSample.read([ProcessFinder.ownPID])
        let start = MonotonicClock.nanoseconds()
        let end = start &+ UInt64(options.duration * 1e9)
        while MonotonicClock.nanoseconds() < end {
            try? await Task.sleep(for: .milliseconds(50))
            await meter.tickIfDue(progress)
        }
        let seconds = Double(MonotonicClock.nanoseconds() &- start) / 1e9
        let sfuAfter = ProcessGroupSample.read(options.sfuPIDs)
        let selfAfter = ProcessGroupSample.read([ProcessFinder.ownPID])
        var collector = ReportCollector(windowSeconds: seconds)
        for handle in everyone { await collector.add(handle, layersBefore: layersBefore[handle.plan.identity] ?? []) }
        collector.packetsSent -= min(collector.packetsSent, sentBefore)
        var report = collector.report(target: driver.name, shape: options.shape)
        report.loadGeneratorCPUSeconds = selfAfter.cpuSeconds(since: selfBefore)
        if !options.sfuPIDs.isEmpty {
            let cpu = sfuAfter.cpuSeconds(since: sfuBefore)
            report.sfu = ProcessUsage(
                pids: options.sfuPIDs, cpuSeconds: cpu, cores: seconds > 0 ? cpu / seconds : 0,
                cpuSecondsPerMillionPackets: report.packetsReceived > 0 ? cpu / (Double(report.packetsReceived) / 1e6) : nil,
                rssKiB: sfuAfter.residentKiB)
        }
        return report
    }
}

extension ParticipantHandle {
    /// A subscribing participant that received media, or one that ended, or a publisher that connected.
    func hasJoinedMedia() async -> Bool {
        let s = snapshot
        if s.finished || s.failure != nil { return true }
        if plan.subscribes { return await (try? s.subscriber?.statistics().firstPacketAt) != nil }
        return s.publisherConnected
    }

    /// Video + audio packets this participant's publisher sent so far.
    func packetsSent() async -> UInt64 {
        guard let stats = try? await snapshot.publisher?.statistics() else { return 0 }
        return stats.videoPacketsSent + stats.audioPacketsSent
    }
}

extension Array {
    func asyncAllSatisfy(_ predicate: (Element) async -> Bool) async -> Bool {
        for element in self where await !predicate(element) { return false }
        return true
    }
}
