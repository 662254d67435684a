/// Error codes of the client protocol (PROTOCOL.md "Error codes"), plus the
/// additions documented in docs/backend.md.
public enum SignalErrorCode: String, Sendable, Hashable, CaseIterable {
    case tokenMissing = "token_missing"
    case tokenInvalid = "token_invalid"
    case tokenExpired = "token_expired"
    /// Unparsable JSON, a missing field, a wrong type, a message over 64 KiB.
    case badMessage = "bad_message"
    case unknownType = "unknown_type"
    /// A grant is missing; the one action is refused.
    case notAllowed = "not_allowed"
    case sdpInvalid = "sdp_invalid"
    case noSFUAvailable = "no_sfu_available"
    case rateLimited = "rate_limited"
    case `internal` = "internal"
    /// Addition: the track is published on another SFU node and trunk relay is
    /// not available yet, so this participant cannot receive it.
    case crossNodeUnsupported = "cross_node_unsupported"
    /// Addition: another connection joined the room with the same identity;
    /// this one is closed.
    case duplicateIdentity = "duplicate_identity"

    /// Whether the socket is closed after sending this error.
    public var closesConnection: Bool {
        switch self {
        case .tokenMissing, .tokenInvalid, .tokenExpired, .noSFUAvailable, .duplicateIdentity: true
        default: false
        }
    }
}

/// An error sent to one client: `{"type":"error","code","message","ref"?}`.
public struct SignalError: Error, Sendable, Equatable {
    public var code: SignalErrorCode
    public var message: String
    public var ref: String?

    public init(_ code: SignalErrorCode, _ message: String, ref: String? = nil) {
        self.code = code
        self.message = message
        self.ref = ref
    }

    /// The WebSocket message.
    public var json: JSONValue {
        var object: JSONObject = ["type": "error", "code": .string(code.rawValue), "message": .string(message)]
        if let ref { object["ref"] = .string(ref) }
        return .object(object)
    }

    /// The HTTP error body: `{"error":{"code","message"}}`.
    public var httpBody: JSONValue {
        .object(["error": .object(["code": .string(code.rawValue), "message": .string(message)])])
    }
}
