import ControlProtocol
import GRPCCore

// Operator drain. Until draining is wired into the node this answers
// UNIMPLEMENTED so callers can tell "not supported" from a failure.
extension SFUService {
    func drain(request: Edgemesh_V1_DrainRequest, context: ServerContext) async throws -> Edgemesh_V1_DrainResponse {
        throw RPCError(code: .unimplemented, message: "this node does not drain yet")
    }
}
