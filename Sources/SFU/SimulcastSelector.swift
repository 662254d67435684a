/// Chooses which simulcast layer one consumer forwards.
///
/// The target is the subscriber's preferred quality, lowered while the
/// subscriber's bandwidth estimate (REMB or transport-cc) cannot carry it, and
/// limited to layers that are actually arriving. A switch takes effect only on
/// a keyframe of the new layer; until then the current layer keeps flowing
/// (or nothing, before the first keyframe), and the caller asks the publisher
/// for a keyframe of the target layer.
public struct SimulcastSelector: Sendable {
    public struct Configuration: Sendable {
        /// Nominal bitrates of layers 0...2 (low, medium, high), bits per second,
        /// used until measured rates are known.
        public var nominalBitrates: [UInt64] = [150_000, 500_000, 1_500_000]
        /// Congestion margin: the forwarded layer is lowered when the estimate
        /// times this factor falls below the layer's rate.
        public var headroom: Double = 1.15
        /// Time without congestion before a capped consumer tries the next layer up.
        public var upgradeHoldNanoseconds: UInt64 = 8_000_000_000
        public init() {}
    }

    public let configuration: Configuration
    /// Layer being forwarded now (nil before the first keyframe).
    public private(set) var currentLayer: Int?
    /// Layer the consumer wants to reach.
    public private(set) var targetLayer: Int
    public var preferred: Quality
    /// Latest bandwidth estimate of the subscriber, bits per second (nil: unknown).
    /// A rising estimate is the receiver's estimator ramping up (it starts
    /// low and grows a few percent per report); only a falling one that is
    /// below the forwarded layer's rate is read as congestion.
    public var bandwidthEstimate: UInt64? {
        didSet { estimateIsFalling = (oldValue.map { Double(bandwidthEstimate ?? 0) < Double($0) * 0.95 }) ?? false }
    }
    private var estimateIsFalling = false
    /// Highest layer allowed while the subscriber's path is congested.
    public private(set) var congestionCap: Int?
    private var capSinceNanoseconds: UInt64 = 0

    public init(preferred: Quality = .high, configuration: Configuration = .init()) {
        self.configuration = configuration
        self.preferred = preferred
        self.targetLayer = preferred.rawValue
    }

    /// Recomputes the target from the preference, the estimate and which
    /// layers are live (`activeLayers[i]` is true when layer i receives
    /// packets; `layerBitrates[i]` is its measured rate, 0 when unknown).
    /// Returns true when the target changed (ask for a keyframe of it).
    ///
    /// The estimate caps the layer only when it shows congestion: below what
    /// the forwarded layer needs. A receiver's estimator tracks what it gets,
    /// so an estimate taken on a low layer says little about a higher one:
    /// the cap is lifted one layer at a time after `upgradeHoldNanoseconds`
    /// without congestion, and comes back if the higher layer congests.
    @discardableResult
    public mutating func updateTarget(activeLayers: [Bool], layerBitrates: [UInt64] = [], nowNanoseconds: UInt64 = 0) -> Bool {
        guard !activeLayers.isEmpty else { return false }
        func rate(_ layer: Int) -> Double {
            if layer < layerBitrates.count, layerBitrates[layer] > 0 { return Double(layerBitrates[layer]) }
            return Double(configuration.nominalBitrates[max(0, min(layer, configuration.nominalBitrates.count - 1))])
        }
        if let estimate = bandwidthEstimate, let current = currentLayer, estimateIsFalling,
           Double(estimate) * configuration.headroom < rate(current) {
            var cap = current
            while cap > 0, Double(estimate) * configuration.headroom < rate(cap) { cap -= 1 }
            congestionCap = cap
            capSinceNanoseconds = nowNanoseconds
        } else if let cap = congestionCap, nowNanoseconds &- capSinceNanoseconds >= configuration.upgradeHoldNanoseconds {
            congestionCap = cap + 1 < activeLayers.count ? cap + 1 : nil
            capSinceNanoseconds = nowNanoseconds
        }
        var layer = min(preferred.rawValue, activeLayers.count - 1, congestionCap ?? Int.max)
        // Fall back to the nearest live layer: prefer lower, then higher.
        if !activeLayers[layer] {
            if let lower = (0..<layer).reversed().first(where: { activeLayers[$0] }) {
                layer = lower
            } else if let higher = ((layer + 1)..<activeLayers.count).first(where: { activeLayers[$0] }) {
                layer = higher
            }
        }
        let changed = layer != targetLayer
        targetLayer = layer
        return changed
    }

    /// Decides whether a packet of `layer` is forwarded. Switches to the
    /// target layer when `isKeyframe` marks the start of a keyframe on it.
    public mutating func shouldForward(layer: Int, isKeyframe: Bool) -> Bool {
        if layer == targetLayer, layer != currentLayer, isKeyframe {
            currentLayer = layer
            return true
        }
        return layer == currentLayer
    }

    /// True while the consumer waits for a keyframe of the target layer.
    public var awaitingKeyframe: Bool { currentLayer != targetLayer }
}
