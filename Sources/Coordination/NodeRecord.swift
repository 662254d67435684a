import Foundation

/// A node's load as it reports it with every lease renewal.
public struct NodeLoad: Sendable, Hashable, Codable {
    /// Participants with transports on the node.
    public var participants: Int
    /// Tracks the node forwards (local publishers and trunk-relayed).
    public var tracks: Int

    public init(participants: Int = 0, tracks: Int = 0) {
        self.participants = participants
        self.tracks = tracks
    }
}

/// What a node announces in the registry: where to reach it, how to trust
/// its trunk, and how busy it is. Valid while its lease lasts.
public struct NodeRecord: Sendable, Hashable, Codable {
    public var id: NodeID
    public var region: RegionID
    /// The node's gRPC control address, `host:port`.
    public var grpcAddress: String
    /// The address clients send WebRTC media to, `host:port`.
    public var rtcAddress: String
    /// The UDP address other nodes send trunk frames to, `host:port`.
    public var trunkAddress: String
    /// The node's static trunk public key (X25519), opaque here.
    public var trunkPublicKey: [UInt8]
    /// The node's mesh credential as issued by `edgemesh mesh issue-node`, opaque here.
    public var credential: String
    /// Load at the last renewal.
    public var load: NodeLoad
    /// A draining node keeps its lease but takes no new participants.
    public var draining: Bool
    /// When the record was last written (set by the coordinator on register and renew).
    public var updatedAt: Date

    public init(
        id: NodeID, region: RegionID,
        grpcAddress: String, rtcAddress: String, trunkAddress: String,
        trunkPublicKey: [UInt8], credential: String,
        load: NodeLoad = NodeLoad(), draining: Bool = false,
        updatedAt: Date = Date(timeIntervalSince1970: 0)
    ) {
        self.id = id
        self.region = region
        self.grpcAddress = grpcAddress
        self.rtcAddress = rtcAddress
        self.trunkAddress = trunkAddress
        self.trunkPublicKey = trunkPublicKey
        self.credential = credential
        self.load = load
        self.draining = draining
        self.updatedAt = updatedAt
    }

    private enum CodingKeys: String, CodingKey {
        case id, region, grpcAddress, rtcAddress, trunkAddress, trunkPublicKey, credential, load, draining, updatedAt
    }

    // The key is stored as base64 (not a JSON array of numbers).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(NodeID.self, forKey: .id)
        region = try container.decode(RegionID.self, forKey: .region)
        grpcAddress = try container.decode(String.self, forKey: .grpcAddress)
        rtcAddress = try container.decode(String.self, forKey: .rtcAddress)
        trunkAddress = try container.decode(String.self, forKey: .trunkAddress)
        trunkPublicKey = Array(try container.decode(Data.self, forKey: .trunkPublicKey))
        credential = try container.decode(String.self, forKey: .credential)
        load = try container.decode(NodeLoad.self, forKey: .load)
        draining = try container.decode(Bool.self, forKey: .draining)
        updatedAt = try container.decode(Date.self, forKey: .updatedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(region, forKey: .region)
        try container.encode(grpcAddress, forKey: .grpcAddress)
        try container.encode(rtcAddress, forKey: .rtcAddress)
        try container.encode(trunkAddress, forKey: .trunkAddress)
        try container.encode(Data(trunkPublicKey), forKey: .trunkPublicKey)
        try container.encode(credential, forKey: .credential)
        try container.encode(load, forKey: .load)
        try container.encode(draining, forKey: .draining)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}
