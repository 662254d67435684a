/// Percentiles of a set of values (milliseconds unless named otherwise).
public struct Distribution: Codable, Sendable, Hashable {
    public var count: Int
    public var p50: Double?
    public var p90: Double?
    public var p99: Double?
    public var max: Double?

    public init(count: Int, p50: Double?, p90: Double?, p99: Double?, max: Double?) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }

    /// From raw values.
    public init(values: [Double]) {
        self.init(
            count: values.count, p50: Percentiles.of(values, 0.5), p90: Percentiles.of(values, 0.9),
            p99: Percentiles.of(values, 0.99), max: values.max())
    }
}

/// What the receivers got of one published track.
public struct TrackReport: Codable, Sendable, Hashable {
    /// The track id from the subscriber offer's msid (or the SSRC when there was none).
    public var track: String
    public var kind: String
    /// Subscribers that received it.
    public var receivers: Int
    public var packets: UInt64
    public var lost: UInt64
    /// Mean bitrate per receiver over the window, kbit/s.
    public var kbpsPerReceiver: Double
    /// Mean RFC 3550 jitter over the receivers, ms.
    public var jitterMs: Double
}

/// What the subscribers that asked for one simulcast layer (`--quality`) received.
public struct QualityReport: Codable, Sendable, Hashable {
    /// `low`, `medium` or `high` (the `subscribe.quality` they sent).
    public var quality: String
    public var subscribers: Int
    /// Subscribers that received video packets in the window.
    public var receivingVideo: Int
    /// Video tracks received over the group (subscriber × track).
    public var videoStreams: Int
    public var videoPackets: UInt64
    public var videoLost: UInt64
    /// Mean video bitrate per received stream over the window, kbit/s.
    public var videoKbpsPerStream: Double
    /// The frame size of the last keyframe of each stream (`320x180`: the
    /// `q` layer of the Chrome ladder), with how many streams showed it.
    public var keyframeSizes: [String: Int]
}

/// What the publishers sent on one simulcast layer in the window.
public struct LayerReport: Codable, Sendable, Hashable {
    /// The layer's rid (`q`, `h`, `f`).
    public var rid: String
    public var publishers: Int
    public var packetsSent: UInt64
    /// Mean bitrate per publisher on this layer, kbit/s.
    public var kbpsPerPublisher: Double
    public var keyframesSent: UInt64
    /// PLIs and FIRs naming this layer's SSRC.
    public var keyframeRequests: UInt64
    public var nackedPackets: UInt64
}

/// CPU and memory of the SFU processes over the measurement window.
public struct ProcessUsage: Codable, Sendable, Hashable {
    public var pids: [Int32]
    public var cpuSeconds: Double
    /// cpuSeconds ÷ window seconds.
    public var cores: Double
    /// CPU-seconds per million packets the subscribers received (nil if none arrived).
    public var cpuSecondsPerMillionPackets: Double?
    public var rssKiB: UInt64
}

/// The result of one load test run (`--json` prints it).
public struct LoadTestReport: Codable, Sendable {
    public var target: String
    public var scenario: String
    public var publishers: Int
    public var subscribers: Int
    public var windowSeconds: Double
    public var participants: Int
    /// Participants that received `joined` (or Janus's `joined`).
    public var joined: Int
    /// Subscribing participants that received at least one media packet.
    public var receiving: Int
    public var failures: [String]
    /// WebSocket open → first media packet, ms, over subscribing participants.
    public var joinMs: Distribution
    /// WebSocket open → first video packet, ms (video scenarios).
    public var joinVideoMs: Distribution
    /// The parts of a join: WebSocket open → `joined` (signaling), and → the
    /// subscriber's DTLS handshake done (signaling + SDP + ICE + DTLS), ms.
    public var joinSignalingMs = Distribution(values: [])
    public var joinConnectedMs = Distribution(values: [])
    public var tracks: [TrackReport]
    public var packetsSent: UInt64
    public var packetsReceived: UInt64
    public var packetsExpected: UInt64
    public var packetsLost: UInt64
    public var duplicates: UInt64
    public var lossPercent: Double
    public var receivedPacketsPerSecond: Double
    /// Publisher send → subscriber receive (send time in the payload), ms.
    public var latencyMs: Distribution
    public var nacksSent: UInt64
    public var plisSent: UInt64
    public var publisherNacksReceived: UInt64
    public var publisherPlisReceived: UInt64
    public var sfu: ProcessUsage?
    public var loadGeneratorCPUSeconds: Double
    /// Per simulcast layer, lowest first (empty without `--simulcast`).
    public var simulcastLayers: [LayerReport] = []
    /// Per preferred layer, low to high (empty without `--quality`).
    public var qualities: [QualityReport] = []
}

extension LoadTestReport {
    /// The human-readable summary: a few key lines and a per-track table.
    public var table: String {
        func ms(_ value: Double?) -> String { value.map { Self.format($0, decimals: $0 < 10 ? 2 : 1) } ?? "–" }
        var lines: [String] = []
        lines.append("\(target) \(scenario): \(publishers) publishers, \(subscribers) subscribers, window \(Self.format(windowSeconds, decimals: 1)) s")
        lines.append("participants \(participants), joined \(joined), receiving media \(receiving), failures \(failures.count)")
        lines.append("join (ws open → first packet) ms: p50 \(ms(joinMs.p50))  p90 \(ms(joinMs.p90))  p99 \(ms(joinMs.p99))  max \(ms(joinMs.max))  (n=\(joinMs.count))")
        if joinConnectedMs.count > 0 {
            lines.append("  of which ws open → joined ms: p50 \(ms(joinSignalingMs.p50))  p99 \(ms(joinSignalingMs.p99));  → DTLS connected ms: p50 \(ms(joinConnectedMs.p50))  p99 \(ms(joinConnectedMs.p99))")
        }
        if joinVideoMs.count > 0 {
            lines.append("join (ws open → first video) ms: p50 \(ms(joinVideoMs.p50))  p90 \(ms(joinVideoMs.p90))  p99 \(ms(joinVideoMs.p99))  max \(ms(joinVideoMs.max))")
        }
        lines.append("packets sent \(packetsSent), received \(packetsReceived) (\(Self.format(receivedPacketsPerSecond, decimals: 0)) pps), lost \(packetsLost) (\(Self.format(lossPercent, decimals: 3)) %), duplicates \(duplicates)")
        lines.append("latency ms: p50 \(ms(latencyMs.p50))  p90 \(ms(latencyMs.p90))  p99 \(ms(latencyMs.p99))  max \(ms(latencyMs.max))")
        lines.append("NACKs sent \(nacksSent), PLIs sent \(plisSent); publishers got NACKs \(publisherNacksReceived), PLIs \(publisherPlisReceived)")
        if let sfu {
            let perMillion = sfu.cpuSecondsPerMillionPackets.map { Self.format($0, decimals: 2) } ?? "–"
            lines.append("SFU pids \(sfu.pids.map(String.init).joined(separator: ",")): CPU \(Self.format(sfu.cpuSeconds, decimals: 2)) s (\(Self.format(sfu.cores * 100, decimals: 1)) % of a core), \(perMillion) CPU-s per million packets, RSS \(sfu.rssKiB / 1024) MiB")
        }
        lines.append("load generator CPU \(Self.format(loadGeneratorCPUSeconds, decimals: 2)) s")
        lines.append("")
        lines.append(Self.row(["track", "kind", "receivers", "packets", "lost", "kbps/receiver", "jitter ms"]))
        lines.append(Self.row(["---", "---", "---:", "---:", "---:", "---:", "---:"]))
        for track in tracks {
            lines.append(Self.row([
                track.track, track.kind, "\(track.receivers)", "\(track.packets)", "\(track.lost)",
                Self.format(track.kbpsPerReceiver, decimals: 1), Self.format(track.jitterMs, decimals: 2),
            ]))
        }
        if !simulcastLayers.isEmpty {
            lines.append("")
            lines.append(Self.row(["layer", "publishers", "packets sent", "kbps/publisher", "keyframes", "PLI+FIR", "NACKed"]))
            lines.append(Self.row(["---", "---:", "---:", "---:", "---:", "---:", "---:"]))
            for layer in simulcastLayers {
                lines.append(Self.row([
                    layer.rid, "\(layer.publishers)", "\(layer.packetsSent)", Self.format(layer.kbpsPerPublisher, decimals: 1),
                    "\(layer.keyframesSent)", "\(layer.keyframeRequests)", "\(layer.nackedPackets)",
                ]))
            }
        }
        if !qualities.isEmpty {
            lines.append("")
            lines.append(Self.row([
                "quality", "subscribers", "receiving video", "video streams", "packets", "lost", "kbps/stream", "last keyframe sizes",
            ]))
            lines.append(Self.row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---"]))
            for group in qualities {
                let sizes = group.keyframeSizes.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }
                lines.append(Self.row([
                    group.quality, "\(group.subscribers)", "\(group.receivingVideo)", "\(group.videoStreams)",
                    "\(group.videoPackets)", "\(group.videoLost)", Self.format(group.videoKbpsPerStream, decimals: 1),
                    sizes.isEmpty ? "–" : sizes.joined(separator: ", "),
                ]))
            }
        }
        for failure in failures.prefix(5) { lines.append("failure: \(failure)") }
        return lines.joined(separator: "\n")
    }

    /// A Markdown table row.
    static func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

    /// Fixed-point text without Foundation (`decimals` digits after the point).
    static func format(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<max(0, decimals) { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return "\(value)" }
        let integer = UInt64(scaled)
        let whole = integer / UInt64(scale)
        let fraction = integer % UInt64(scale)
        var text = (value < 0 && integer > 0 ? "-" : "") + "\(whole)"
        if decimals > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: decimals - digits.count) + digits
        }
        return text
    }
}
