import GRPCCore

/// A failed call to an SFU node, as the signaling layer needs it.
public struct SFUCallError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The node rejected an argument (an SDP it could not parse or answer).
        case invalidArgument
        /// The node does not know the participant or track.
        case notFound
        /// The node could not be reached or did not answer in time.
        case unavailable
        case other
    }

    public var method: String
    public var kind: Kind
    public var message: String

    init(method: String, error: any Error) {
        self.method = method
        if let rpc = error as? RPCError {
            switch rpc.code {
            case .invalidArgument, .failedPrecondition: kind = .invalidArgument
            case .notFound: kind = .notFound
            case .unavailable, .deadlineExceeded, .cancelled: kind = .unavailable
            default: kind = .other
            }
            message = String(rpc.message.prefix(300))
        } else {
            kind = .other
            message = String("\(error)".prefix(300))
        }
    }

    public var description: String { "\(method): \(message)" }
}
