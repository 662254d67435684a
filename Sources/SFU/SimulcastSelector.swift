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
        public init() {}
    }

    public let configuration: Configuration
    /// Layer being forwarded now (nil before the first keyframe).
    public private(set) var currentLayer: Int?
    /// Layer the consumer wants to reach.
    public private(set) var targetLayer: Int
    public var preferred: Quality
    /// Latest bandwidth estimate of the subscriber, bits per second (nil: unknown).
    public var bandwidthEstimate: UInt64?

    public init(preferred: Quality = .high, configuration: Configuration = .init()) {
        self.configuration = configuration
        self.preferred = preferred
        self.targetLayer = preferred.rawValue
    }

    /// Recomputes the target from the preference, the estimate and which
    /// layers are live (`activeLayers[i]` is true when layer i receives packets).
    /// Returns true when the target changed (ask for a keyframe of it).
    @discardableResult
    public mutating func updateTarget(activeLayers: [Bool]) -> Bool {
        var layer = min(preferred.rawValue, activeLayers.count - 1)
        // The estimate caps the layer only when it shows congestion: below
        // what the layer being forwarded needs. An estimate measured on a
        // low layer says nothing about a higher one (the receiver's
        // estimator tracks what it gets), so it never blocks an upgrade.
        if let estimate = bandwidthEstimate, let current = currentLayer,
           Double(estimate) * configuration.headroom < nominalBitrate(current) {
            layer = min(layer, current)
            while layer > 0, Double(estimate) * configuration.headroom < nominalBitrate(layer) {
                layer -= 1
            }
        }
        // Fall back to the nearest live layer: prefer lower, then higher.
        if layer >= 0, layer < activeLayers.count, !activeLayers[layer] {
            if let lower = (0..<layer).reversed().first(where: { activeLayers[$0] }) {
                layer = lower
            } else if let higher = ((layer + 1)..<activeLayers.count).first(where: { activeLayers[$0] }) {
                layer = higher
            }
        }
        layer = max(0, layer)
        let changed = layer != targetLayer
        targetLayer = layer
        return changed
    }

    private func nominalBitrate(_ layer: Int) -> Double {
        Double(configuration.nominalBitrates[max(0, min(layer, configuration.nominalBitrates.count - 1))])
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
