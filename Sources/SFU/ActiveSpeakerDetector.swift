/// Ranks a room's audio producers by their recent level (RFC 6464
/// ssrc-audio-level: 0 is loudest, 127 silence) and reports a change of the
/// loudest speakers at most once per interval.
public struct ActiveSpeakerDetector<Key: Hashable & Sendable>: Sendable {
    public struct Configuration: Sendable {
        /// Levels are averaged over windows this long.
        public var intervalNanoseconds: UInt64 = 500_000_000
        /// A packet is loud when its level (-dBov) is at most this (-70 dBov).
        public var speakingThreshold: UInt8 = 70
        /// A producer is speaking when at least this share of its packets in
        /// the window were loud (speech has pauses; a beep or a word suffices).
        public var minimumLoudShare: Double = 0.1
        /// How many speakers are reported.
        public var maxSpeakers: Int = 3
        public init() {}
    }

    private struct Accumulator: Sendable {
        /// Sum and count of the loud packets' levels.
        var loudSum: UInt64 = 0
        var loudCount: UInt64 = 0
        var count: UInt64 = 0
    }

    public let configuration: Configuration
    private var accumulators: [Key: Accumulator] = [:]
    private var windowStart: UInt64?
    private var lastReported: [Key] = []

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Records one packet's audio level.
    public mutating func record(_ key: Key, level: UInt8) {
        let level = min(level, 127)
        accumulators[key, default: Accumulator()].count += 1
        if level <= configuration.speakingThreshold {
            accumulators[key, default: Accumulator()].loudSum += UInt64(level)
            accumulators[key, default: Accumulator()].loudCount += 1
        }
    }

    /// Forgets a producer (it was closed).
    public mutating func remove(_ key: Key) {
        accumulators[key] = nil
    }

    /// At the end of each interval, returns the speakers loudest first with
    /// their average level, when the list changed since the last report.
    public mutating func tick(nowNanoseconds: UInt64) -> [(key: Key, level: UInt8)]? {
        guard let start = windowStart else {
            windowStart = nowNanoseconds
            return nil
        }
        guard nowNanoseconds &- start >= configuration.intervalNanoseconds else { return nil }
        windowStart = nowNanoseconds
        var speaking: [(key: Key, level: UInt8)] = []
        for (key, acc) in accumulators where acc.loudCount > 0 {
            guard Double(acc.loudCount) >= Double(acc.count) * configuration.minimumLoudShare else { continue }
            speaking.append((key, UInt8(clamping: acc.loudSum / acc.loudCount)))
        }
        for key in accumulators.keys { accumulators[key] = Accumulator() }
        speaking.sort { $0.level < $1.level }
        let top = Array(speaking.prefix(configuration.maxSpeakers))
        let keys = top.map(\.key)
        guard keys != lastReported else { return nil }
        lastReported = keys
        return top
    }
}
