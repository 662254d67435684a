import ControlProtocol
import GRPCCore
import SFU
import Trunk

// Edge-mesh calls: pull a track published on another node over this node's
// trunk, and release it.
extension SFUService {
    func pullTrack(request: Edgemesh_V1_PullTrackRequest, context: ServerContext) async throws -> Edgemesh_V1_PullTrackResponse {
        let room = try validRoom(request.room)
        guard request.hasTrack else { throw RPCError(code: .invalidArgument, message: "track is required") }
        let track: RelayedTrackDescription
        do {
            track = try RelayedTrackDescription(request.track)
        } catch {
            throw RPCError(code: .invalidArgument, message: error.description)
        }
        guard let upstream = MeshNodeID(rawValue: request.upstreamNodeID) else {
            throw RPCError(code: .invalidArgument, message: "upstream_node_id must be a node id ([A-Za-z0-9._-]{1,64})")
        }
        try await onMediaLoop { try engine.pullTrack(room: room, track: track, upstream: upstream) }
        return .init()
    }

    func releaseTrack(
        request: Edgemesh_V1_ReleaseTrackRequest, context: ServerContext
    ) async throws -> Edgemesh_V1_ReleaseTrackResponse {
        let room = try validRoom(request.room)
        let track = TrackID(request.trackID)
        try await onMediaLoop { engine.releaseTrack(room: room, track: track) }
        return .init()
    }
}

extension TrunkStatsSnapshot {
    var message: Edgemesh_V1_TrunkStats {
        var stats = Edgemesh_V1_TrunkStats()
        stats.peerNodeID = peer
        stats.peerRegion = region
        stats.established = established
        stats.rttSeconds = rtt
        stats.oneWayDelaySeconds = oneWayDelay
        stats.loss = loss
        stats.packetsSent = packetsSent
        stats.bytesSent = bytesSent
        stats.packetsReceived = packetsReceived
        stats.bytesReceived = bytesReceived
        return stats
    }
}
