import ControlProtocol
import GRPCCore

// Operator drain (`edgemesh drain`): see `NodeDrain`.
extension SFUService {
    func drain(request: Edgemesh_V1_DrainRequest, context: ServerContext) async throws -> Edgemesh_V1_DrainResponse {
        let timeout: Duration =
            request.timeoutSeconds == 0 ? NodeDrain.defaultTimeout : .seconds(Int64(request.timeoutSeconds))
        let first = drainState.begin(timeout: timeout)
        let participants = try await engine.eventLoop.submit { engine.stats().participants }.get()
        engine.logger.info(first ? "drain requested" : "drain deadline moved", metadata: [
            "participants": "\(participants)", "timeout": "\(timeout)",
        ])
        var response = Edgemesh_V1_DrainResponse()
        response.participants = UInt32(clamping: participants)
        return response
    }

    /// Refuses work that would add load to a draining node.
    func refuseWhileDraining() throws {
        if drainState.isDraining {
            throw RPCError(code: .failedPrecondition, message: "node \(nodeID) is draining: place the participant elsewhere")
        }
    }
}
