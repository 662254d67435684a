import ControlProtocol
import GRPCCore

// Edge-mesh calls. Until trunk relaying is wired into the node, these answer UNIMPLEMENTED so callers can tell "not
// supported by this node" from a failure.
extension SFUService {
    func pullTrack(request: Edgemesh_V1_PullTrackRequest, context: ServerContext) async throws -> Edgemesh_V1_PullTrackResponse {
        throw RPCError(code: .unimplemented, message: "this node does not relay tracks over trunks yet")
    }

    func releaseTrack(
        request: Edgemesh_V1_ReleaseTrackRequest, context: ServerContext
    ) async throws -> Edgemesh_V1_ReleaseTrackResponse {
        throw RPCError(code: .unimplemented, message: "this node does not relay tracks over trunks yet")
    }
}
