import ControlPlane

/// The load shapes `edgemesh loadtest --scenario` knows.
public enum Scenario: String, Sendable, CaseIterable, Codable {
    /// Audio-only publishers (10 by default) heard by many subscribers.
    case audioFanout = "audio-fanout"
    /// One video (and optionally audio) publisher seen by N subscribers.
    case videoFanout = "video-fanout"
    /// N participants that each publish and subscribe to everyone (N × N).
    case videoMeeting = "video-meeting"
    /// Publishers first, then subscribers joining one by one while media flows.
    case lateJoiners = "late-joiners"
    /// Like video-meeting, but participants are spread over the regions of a
    /// running mesh by `rtt` hints (each claims to be close to one region).
    case crossRegion = "cross-region"
}

/// Who joins, when, and with what.
public struct LoadShape: Sendable, Hashable {
    public var scenario: Scenario
    public var room: String
    /// Publishers (for meeting scenarios: participants).
    public var publishers: Int
    /// Subscribe-only participants (0 in meeting scenarios).
    public var subscribers: Int
    /// Seconds over which late joiners arrive (late-joiners only).
    public var joinSpread: Double
    /// Regions for cross-region.
    public var regions: [String]
    /// The simulcast layer subscribing participants ask for (`subscribe`
    /// with `quality`, PROTOCOL.md); nil: auto-subscribe (the server's default, high).
    public var quality: QualityChoice?

    public init(scenario: Scenario, room: String, publishers: Int, subscribers: Int, joinSpread: Double = 0, regions: [String] = []) {
        self.scenario = scenario
        self.room = room
        self.publishers = publishers
        self.subscribers = subscribers
        self.joinSpread = joinSpread
        self.regions = regions
    }

    /// Publishers join first (all connected before the second phase starts).
    public var publisherPlans: [ParticipantPlan] {
        (0..<publishers).map { index in
            let meeting = scenario == .videoMeeting || scenario == .crossRegion
            var plan = ParticipantPlan(
                identity: "pub-\(index)", room: room, publishes: true, subscribes: meeting,
                rttHint: rttHint(for: index))
            if meeting { plan.quality = quality?.quality(forSubscriber: index) }
            return plan
        }
    }

    /// Subscribers join in the second phase (a burst, or spread for late joiners).
    public var subscriberPlans: [ParticipantPlan] {
        (0..<subscribers).map { index in
            let delay = scenario == .lateJoiners && subscribers > 1 ? joinSpread * Double(index) / Double(subscribers - 1) : 0
            var plan = ParticipantPlan(
                identity: "sub-\(index)", room: room, publishes: false, subscribes: true,
                rttHint: rttHint(for: publishers + index), startDelay: delay)
            plan.quality = quality?.quality(forSubscriber: index)
            return plan
        }
    }

    /// `rtt` hint that makes region `index mod regions` the closest (5 ms) and the others far (150 ms).
    func rttHint(for index: Int) -> String? {
        guard scenario == .crossRegion, !regions.isEmpty else { return nil }
        let near = regions[index % regions.count]
        return regions.map { "\($0):\($0 == near ? 5 : 150)" }.joined(separator: ",")
    }
}

/// Which simulcast layer subscribers prefer (`edgemesh loadtest --quality`).
public enum QualityChoice: Sendable, Hashable {
    /// Every subscriber asks for this layer.
    case fixed(TrackQuality)
    /// Subscriber i asks for low, medium, high, low, … (i mod 3).
    case mix

    /// `low`, `medium`, `high` or `mix`.
    public init?(argument: String) {
        if argument == "mix" {
            self = .mix
        } else if let quality = TrackQuality(rawValue: argument) {
            self = .fixed(quality)
        } else {
            return nil
        }
    }

    /// The layer subscriber `index` asks for.
    public func quality(forSubscriber index: Int) -> TrackQuality {
        switch self {
        case .fixed(let quality): quality
        case .mix: [TrackQuality.low, .medium, .high][((index % 3) + 3) % 3]
        }
    }
}
