import ControlProtocol
import GRPCCore

/// The full statistics a node reports (`GetNodeStats`), trunks included.
public typealias NodeStatsMessage = Edgemesh_V1_NodeStats

/// Operator calls (`edgemesh drain`, `edgemesh nodes`), outside the join path.
extension SFUNodeClient {
    /// Begins draining the node (`Drain`); returns the participants it still has.
    /// - Parameter timeoutSeconds: the node exits after this long even if not empty; 0 is the node's default.
    public func drain(timeoutSeconds: UInt32, timeout: Duration = .seconds(5)) async throws(SFUCallError) -> Int {
        var request = Edgemesh_V1_DrainRequest()
        request.timeoutSeconds = timeoutSeconds
        var options = CallOptions.defaults
        options.timeout = timeout
        do {
            return Int(try await client.drain(request, options: options).participants)
        } catch {
            throw SFUCallError(method: "Drain", error: error)
        }
    }

    /// Everything `GetNodeStats` reports, trunks and the draining flag included.
    public func nodeStats(timeout: Duration = .seconds(5)) async throws(SFUCallError) -> NodeStatsMessage {
        var options = CallOptions.defaults
        options.timeout = timeout
        do {
            return try await client.getNodeStats(Edgemesh_V1_GetNodeStatsRequest(), options: options)
        } catch {
            throw SFUCallError(method: "GetNodeStats", error: error)
        }
    }
}
