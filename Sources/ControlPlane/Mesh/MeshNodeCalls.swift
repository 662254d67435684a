import ControlProtocol
import GRPCCore

/// The node calls the mesh orchestrator makes, by node id (a protocol so
/// the orchestration logic is tested with a fake).
protocol MeshNodeCalls: Sendable {
    /// `PullTrack` on `node`: pull `track` of `room` from `upstream`.
    func pullTrack(node: String, room: String, track: ControlProtocolTrack, upstream: String) async throws(SFUCallError)
    /// `ReleaseTrack` on `node`.
    func releaseTrack(node: String, room: String, trackID: String) async throws(SFUCallError)
}

/// `MeshNodeCalls` over the backend's gRPC clients; node ids are resolved
/// to addresses through the node directory.
struct PooledMeshNodeCalls: MeshNodeCalls {
    let directory: NodeDirectory
    let pool: SFUClientPool

    private func client(_ node: String, method: String) async throws(SFUCallError) -> SFUNodeClient {
        guard let address = await directory.node(id: node)?.grpcAddress else {
            throw SFUCallError(method: method, kind: .unavailable, message: "node \(node) is not in the directory")
        }
        do {
            return try pool.client(for: address)
        } catch {
            throw SFUCallError(method: method, kind: .unavailable, message: "\(error)")
        }
    }

    func pullTrack(node: String, room: String, track: ControlProtocolTrack, upstream: String) async throws(SFUCallError) {
        try await client(node, method: "PullTrack").pullTrack(room: room, track: track, upstream: upstream)
    }

    func releaseTrack(node: String, room: String, trackID: String) async throws(SFUCallError) {
        try await client(node, method: "ReleaseTrack").releaseTrack(room: room, trackID: trackID)
    }
}

extension SFUCallError {
    init(method: String, kind: Kind, message: String) {
        self.method = method
        self.kind = kind
        self.message = message
    }
}

extension SFUNodeClient {
    /// Relay calls get a short deadline: a re-plan must not wait on a node that is gone.
    private var meshCallOptions: CallOptions {
        var options = CallOptions.defaults
        options.timeout = .seconds(2)
        return options
    }

    /// `PullTrack`: makes `track` (published on another node) available on this node, pulled from `upstream`.
    public func pullTrack(room: String, track: ControlProtocolTrack, upstream: String) async throws(SFUCallError) {
        var request = Edgemesh_V1_PullTrackRequest()
        request.room = room
        request.track = track
        request.upstreamNodeID = upstream
        do {
            _ = try await client.pullTrack(request, options: meshCallOptions)
        } catch {
            onError("PullTrack")
            throw SFUCallError(method: "PullTrack", error: error)
        }
    }

    /// `ReleaseTrack`: stops pulling a relayed track on this node.
    public func releaseTrack(room: String, trackID: String) async throws(SFUCallError) {
        var request = Edgemesh_V1_ReleaseTrackRequest()
        request.room = room
        request.trackID = trackID
        do {
            _ = try await client.releaseTrack(request, options: meshCallOptions)
        } catch {
            onError("ReleaseTrack")
            throw SFUCallError(method: "ReleaseTrack", error: error)
        }
    }
}
