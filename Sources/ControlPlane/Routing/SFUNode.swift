/// An SFU node as the backend sees it: where to reach it, its region and load.
public struct SFUNode: Sendable, Hashable {
    public var id: String
    public var region: String
    /// gRPC control address, `host:port`.
    public var grpcAddress: String
    /// Participants with transports on the node (its last report plus the
    /// backend's own placements since).
    public var participants: Int
    /// False once the node's lease lapsed or its stats stopped answering.
    public var healthy: Bool
    /// A draining node takes no new participants.
    public var draining: Bool

    public init(id: String, region: String, grpcAddress: String, participants: Int = 0, healthy: Bool = true,
                draining: Bool = false) {
        self.id = id
        self.region = region
        self.grpcAddress = grpcAddress
        self.participants = participants
        self.healthy = healthy
        self.draining = draining
    }
}
