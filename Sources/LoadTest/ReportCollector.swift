import LoadPeers

/// Sums what every participant saw into a ``LoadTestReport``.
struct ReportCollector {
    let windowSeconds: Double
    var participants = 0
    var joined = 0
    var receiving = 0
    var failures: [String] = []
    var joinMs: [Double] = []
    var joinVideoMs: [Double] = []
    var joinSignalingMs: [Double] = []
    var joinConnectedMs: [Double] = []
    var packetsSent: UInt64 = 0
    var totals = StreamReceiveStatistics.Totals()
    var latency = LatencyHistogram()
    var nacksSent: UInt64 = 0
    var plisSent: UInt64 = 0
    var publisherNacks: UInt64 = 0
    var publisherPLIs: UInt64 = 0
    var subscriberCount = 0
    var publisherCount = 0
    /// Per track: kind, receivers, packets, lost, bytes, jitter sum.
    var tracks: [String: (kind: String, receivers: Int, packets: UInt64, lost: UInt64, bytes: UInt64, jitter: Double)] = [:]
    /// Per simulcast rid, in first-seen order: what publishers sent in the window.
    var layers: [(rid: String, publishers: Int, sent: LayerStatistics)] = []
    /// Per preferred quality: subscriber groups.
    var qualities: [String: QualityGroup] = [:]

    struct QualityGroup {
        var subscribers = 0
        var receivingVideo = 0
        var streams = 0
        var packets: UInt64 = 0
        var lost: UInt64 = 0
        var bytes: UInt64 = 0
        var keyframeSizes: [String: Int] = [:]
    }

    init(windowSeconds: Double) { self.windowSeconds = windowSeconds }

    /// Adds one participant; `layersBefore` are its publisher's layer
    /// counters at the start of the window (subtracted).
    mutating func add(_ handle: ParticipantHandle, layersBefore: [LayerStatistics] = []) async {
        let state = handle.snapshot
        participants += 1
        if handle.plan.publishes { publisherCount += 1 }
        if handle.plan.subscribes && !handle.plan.publishes { subscriberCount += 1 }
        if state.joinedAt != nil { joined += 1 }
        if let failure = state.failure { failures.append("\(handle.plan.identity): \(failure)") }
        for error in state.serverErrors.prefix(2) { failures.append("\(handle.plan.identity): server \(error)") }
        if let publisher = state.publisher, let stats = try? await publisher.statistics() {
            packetsSent += stats.videoPacketsSent + stats.audioPacketsSent
            publisherNacks += stats.nackedPackets
            publisherPLIs += stats.pliReceived + stats.firReceived
            addLayers(stats.layers, before: layersBefore)
        }
        guard let subscriber = state.subscriber, let stats = try? await subscriber.statistics() else { return }
        if let started = state.startedAt {
            if let joined = state.joinedAt, joined >= started { joinSignalingMs.append(Double(joined - started) / 1e6) }
            if let connected = state.subscriberConnectedAt, connected >= started {
                joinConnectedMs.append(Double(connected - started) / 1e6)
            }
        }
        if let first = stats.firstPacketAt, let started = state.startedAt, first >= started {
            receiving += 1
            joinMs.append(Double(first - started) / 1e6)
        }
        if let first = stats.firstVideoPacketAt, let started = state.startedAt, first >= started {
            joinVideoMs.append(Double(first - started) / 1e6)
        }
        let sum = StreamReceiveStatistics.total(stats.streams.values)
        totals.received += sum.received
        totals.expected += sum.expected
        totals.lost += sum.lost
        totals.duplicates += sum.duplicates
        latency.merge(stats.latency)
        nacksSent += stats.nacksSent
        plisSent += stats.plisSent
        if let quality = handle.plan.quality {
            var group = qualities[quality.rawValue] ?? QualityGroup()
            group.subscribers += 1
            var receivedVideo = false
            for (ssrc, stream) in stats.streams where stats.videoSSRCs.contains(ssrc) {
                group.streams += 1
                group.packets += stream.received
                group.lost += stream.lost
                group.bytes += stream.bytes
                if stream.received > 0 { receivedVideo = true }
                if let size = stats.keyframeSizes[ssrc] { group.keyframeSizes["\(size)", default: 0] += 1 }
            }
            if receivedVideo { group.receivingVideo += 1 }
            qualities[quality.rawValue] = group
        }
        for (ssrc, stream) in stats.streams {
            let key = stats.trackIDs[ssrc] ?? "ssrc-\(ssrc)"
            let kind = stats.videoSSRCs.contains(ssrc) ? "video" : "audio"
            var entry = tracks[key] ?? (kind, 0, 0, 0, 0, 0)
            entry.receivers += 1
            entry.packets += stream.received
            entry.lost += stream.lost
            entry.bytes += stream.bytes
            entry.jitter += stats.jitterMilliseconds[ssrc] ?? 0
            tracks[key] = entry
        }
    }

    /// Window deltas of a publisher's simulcast layers, summed by rid.
    private mutating func addLayers(_ now: [LayerStatistics], before: [LayerStatistics]) {
        for layer in now {
            guard let rid = layer.rid else { continue }
            let start = before.first { $0.rid == rid && $0.ssrc == layer.ssrc } ?? LayerStatistics(rid: rid, ssrc: layer.ssrc)
            func delta(_ path: KeyPath<LayerStatistics, UInt64>) -> UInt64 {
                layer[keyPath: path] >= start[keyPath: path] ? layer[keyPath: path] - start[keyPath: path] : 0
            }
            if !layers.contains(where: { $0.rid == rid }) { layers.append((rid, 0, LayerStatistics(rid: rid, ssrc: 0))) }
            guard let index = layers.firstIndex(where: { $0.rid == rid }) else { continue }
            layers[index].publishers += 1
            layers[index].sent.packetsSent += delta(\.packetsSent)
            layers[index].sent.bytesSent += delta(\.bytesSent)
            layers[index].sent.keyframesSent += delta(\.keyframesSent)
            layers[index].sent.pliReceived += delta(\.pliReceived) + delta(\.firReceived)
            layers[index].sent.nackedPackets += delta(\.nackedPackets)
        }
    }

    private var layerReports: [LayerReport] {
        layers.map { entry in
            LayerReport(
                rid: entry.rid, publishers: entry.publishers, packetsSent: entry.sent.packetsSent,
                kbpsPerPublisher: windowSeconds > 0 && entry.publishers > 0
                    ? Double(entry.sent.bytesSent) * 8 / 1000 / windowSeconds / Double(entry.publishers) : 0,
                keyframesSent: entry.sent.keyframesSent, keyframeRequests: entry.sent.pliReceived,
                nackedPackets: entry.sent.nackedPackets)
        }
    }

    private var qualityReports: [QualityReport] {
        ["low", "medium", "high"].compactMap { name in
            guard let group = qualities[name] else { return nil }
            return QualityReport(
                quality: name, subscribers: group.subscribers, receivingVideo: group.receivingVideo,
                videoStreams: group.streams, videoPackets: group.packets, videoLost: group.lost,
                videoKbpsPerStream: windowSeconds > 0 && group.streams > 0
                    ? Double(group.bytes) * 8 / 1000 / windowSeconds / Double(group.streams) : 0,
                keyframeSizes: group.keyframeSizes)
        }
    }

    func report(target: String, shape: LoadShape) -> LoadTestReport {
        let latencyValues: (Double?, Double?, Double?, Double?) = (
            latency.percentile(0.5).map { Double($0) / 1e6 }, latency.percentile(0.9).map { Double($0) / 1e6 },
            latency.percentile(0.99).map { Double($0) / 1e6 }, latency.count > 0 ? Double(latency.maximum) / 1e6 : nil)
        let trackReports = tracks.sorted { $0.key < $1.key }.map { key, entry in
            TrackReport(
                track: key, kind: entry.kind, receivers: entry.receivers, packets: entry.packets, lost: entry.lost,
                kbpsPerReceiver: windowSeconds > 0 && entry.receivers > 0
                    ? Double(entry.bytes) * 8 / 1000 / windowSeconds / Double(entry.receivers) : 0,
                jitterMs: entry.receivers > 0 ? entry.jitter / Double(entry.receivers) : 0)
        }
        var report = LoadTestReport(
            target: target, scenario: shape.scenario.rawValue, publishers: publisherCount, subscribers: subscriberCount,
            windowSeconds: windowSeconds, participants: participants, joined: joined, receiving: receiving,
            failures: failures, joinMs: Distribution(values: joinMs), joinVideoMs: Distribution(values: joinVideoMs),
            tracks: trackReports, packetsSent: packetsSent, packetsReceived: totals.received,
            packetsExpected: totals.expected, packetsLost: totals.lost, duplicates: totals.duplicates,
            lossPercent: totals.expected > 0 ? Double(totals.lost) * 100 / Double(totals.expected) : 0,
            receivedPacketsPerSecond: windowSeconds > 0 ? Double(totals.received) / windowSeconds : 0,
            latencyMs: Distribution(
                count: Int(clamping: latency.count), p50: latencyValues.0, p90: latencyValues.1, p99: latencyValues.2,
                max: latencyValues.3),
            nacksSent: nacksSent, plisSent: plisSent, publisherNacksReceived: publisherNacks,
            publisherPlisReceived: publisherPLIs, sfu: nil, loadGeneratorCPUSeconds: 0)
        report.joinSignalingMs = Distribution(values: joinSignalingMs)
        report.joinConnectedMs = Distribution(values: joinConnectedMs)
        report.simulcastLayers = layerReports
        report.qualities = qualityReports
        return report
    }
}

/// Prints one progress line per second: joins, media, receive rate, SFU CPU.
actor ProgressMeter {
    private let handles: [ParticipantHandle]
    private let sfuPIDs: [Int32]
    private let start = MonotonicClock.nanoseconds()
    private var lastTick = MonotonicClock.nanoseconds()
    private var lastReceived: UInt64 = 0
    private var lastCPU: ProcessGroupSample

    init(handles: [ParticipantHandle], sfuPIDs: [Int32]) {
        self.handles = handles
        self.sfuPIDs = sfuPIDs
        self.lastCPU = ProcessGroupSample.read(sfuPIDs)
    }

    func tickIfDue(_ progress: @Sendable (String) -> Void) async {
        let now = MonotonicClock.nanoseconds()
        guard now &- lastTick >= 1_000_000_000 else { return }
        let seconds = Double(now &- lastTick) / 1e9
        lastTick = now
        var started = 0, joined = 0, media = 0, failed = 0
        var received: UInt64 = 0, lost: UInt64 = 0, expected: UInt64 = 0
        for handle in handles {
            let state = handle.snapshot
            if state.startedAt != nil { started += 1 }
            if state.joinedAt != nil { joined += 1 }
            if state.failure != nil { failed += 1 }
            guard let stats = try? await state.subscriber?.statistics() else { continue }
            if stats.firstPacketAt != nil { media += 1 }
            let sum = StreamReceiveStatistics.total(stats.streams.values)
            received += sum.received
            lost += sum.lost
            expected += sum.expected
        }
        let rate = received >= lastReceived ? Double(received - lastReceived) / seconds : Double(received) / seconds
        lastReceived = received
        let cpuSample = ProcessGroupSample.read(sfuPIDs)
        let cpu = cpuSample.cpuSeconds(since: lastCPU) / seconds
        lastCPU = cpuSample
        let loss = expected > 0 ? Double(lost) * 100 / Double(expected) : 0
        let elapsed = Int(Double(now &- start) / 1e9)
        var line = "[\(elapsed)s] started \(started)/\(handles.count) joined \(joined) media \(media) failed \(failed)"
        line += " | rx \(LoadTestReport.format(rate, decimals: 0)) pps, loss \(LoadTestReport.format(loss, decimals: 2)) %"
        if !sfuPIDs.isEmpty { line += " | SFU CPU \(LoadTestReport.format(cpu * 100, decimals: 0)) %" }
        progress(line)
    }
}
