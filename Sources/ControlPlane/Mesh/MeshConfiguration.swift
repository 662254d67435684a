import Foundation

/// Settings of edge-mesh orchestration (cascade planning and re-planning).
///
/// The backend reads them from the environment (`MESH_*`, see
/// docs/configuration.md) unless `BackendConfiguration.mesh` is set.
public struct MeshConfiguration: Sendable, Equatable {
    /// Planner settings: `MESH_MAX_FANOUT` (default 4), `MESH_LOSS_PENALTY`
    /// (seconds per unit of loss, default 0.5), switch thresholds (20 %, 10 ms).
    public var planner = CascadePlanner.Configuration()
    /// `MESH_REPLAN_INTERVAL` (seconds): how often every relay tree is
    /// re-planned over fresh measurements. Default 5 s.
    public var replanInterval: Duration = .seconds(5)
    /// `MESH_UNMEASURED_RTT_MS`: the RTT assumed for a pair of nodes whose
    /// trunk has no measurement yet (a direct pull is still possible). Default 300 ms.
    public var unmeasuredRTT: Double = 0.3
    /// How long a trunk reported down by a `TrunkChanged` event stays out of
    /// plans unless reported up again (the next stats take over). Default 6 s.
    public var downTrunkMemory: Duration = .seconds(6)
    /// Deadline of `PullTrack` / `ReleaseTrack` calls. Default 2 s.
    public var callTimeout: Duration = .seconds(2)

    public init() {}

    /// Reads `MESH_MAX_FANOUT`, `MESH_LOSS_PENALTY`, `MESH_REPLAN_INTERVAL` and
    /// `MESH_UNMEASURED_RTT_MS`; absent keys keep their defaults.
    /// - Throws: `ControlPlaneError.configuration` for a malformed or out-of-range value.
    public init(environment: [String: String]) throws(ControlPlaneError) {
        func number(_ name: String, _ range: ClosedRange<Double>) throws(ControlPlaneError) -> Double? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let value = Double(text), value.isFinite, range.contains(value) else {
                throw .configuration(name: name, problem: "\(text.prefix(40)) is not a number in \(range)")
            }
            return value
        }
        if let fanout = try number("MESH_MAX_FANOUT", 1...64) {
            guard fanout.rounded() == fanout else {
                throw .configuration(name: "MESH_MAX_FANOUT", problem: "\(fanout) is not a whole number")
            }
            planner.maxFanout = Int(fanout)
        }
        if let penalty = try number("MESH_LOSS_PENALTY", 0...60) { planner.lossPenalty = penalty }
        if let interval = try number("MESH_REPLAN_INTERVAL", 0.5...3600) { replanInterval = .milliseconds(Int(interval * 1000)) }
        if let rtt = try number("MESH_UNMEASURED_RTT_MS", 1...10_000) { unmeasuredRTT = rtt / 1000 }
    }
}
