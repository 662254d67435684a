/// Everything that can go wrong in the `ControlPlane` module, carrying what
/// was wrong and the sizes involved. Never carries a secret or a token.
public enum ControlPlaneError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A configuration value is missing or invalid; the backend refuses to start.
    case configuration(name: String, problem: String)
    /// `JWT_SECRET` is shorter than the minimum (HS256 keys must have at least 256 bits).
    case secretTooShort(bytes: Int, minimum: Int)
    /// No token in the `access_token` parameter or an `Authorization: Bearer` header.
    case tokenMissing
    /// The token is longer than the accepted maximum.
    case tokenTooLarge(bytes: Int, limit: Int)
    /// The token is not three base64url parts of JSON objects.
    case tokenMalformed(reason: String)
    /// The header names an algorithm other than HS256 (including `none`).
    case tokenAlgorithm(String)
    /// The signature does not match the payload under `JWT_SECRET`.
    case tokenSignature
    /// `exp` (seconds since 1970) is in the past by more than the leeway.
    case tokenExpired(at: Double)
    /// `nbf` is in the future by more than the leeway.
    case tokenNotYetValid(notBefore: Double)
    /// `iat` is in the future by more than the leeway.
    case tokenIssuedInFuture(issuedAt: Double)
    /// A claim is missing, has the wrong type or an invalid value.
    case claim(name: String, problem: String)

    /// The PROTOCOL.md error code a client sees for this error.
    public var code: SignalErrorCode {
        switch self {
        case .tokenMissing: .tokenMissing
        case .tokenExpired: .tokenExpired
        case .tokenTooLarge, .tokenMalformed, .tokenAlgorithm, .tokenSignature, .tokenNotYetValid,
            .tokenIssuedInFuture, .claim:
            .tokenInvalid
        case .configuration, .secretTooShort: .internal
        }
    }

    public var description: String {
        switch self {
        case .configuration(let name, let problem): "\(name): \(problem)"
        case .secretTooShort(let bytes, let minimum):
            "JWT_SECRET is \(bytes) bytes; at least \(minimum) bytes are required (e.g. `openssl rand -hex 32`)"
        case .tokenMissing: "no access token (access_token parameter or Authorization: Bearer header)"
        case .tokenTooLarge(let bytes, let limit): "token is \(bytes) bytes, more than the \(limit) accepted"
        case .tokenMalformed(let reason): "malformed token: \(reason)"
        case .tokenAlgorithm(let alg): "token algorithm \(alg.prefix(32)) is not accepted; only HS256 is"
        case .tokenSignature: "token signature does not verify"
        case .tokenExpired(let at): "token expired at \(Timestamp.iso8601(seconds: at))"
        case .tokenNotYetValid(let nbf): "token not valid before \(Timestamp.iso8601(seconds: nbf))"
        case .tokenIssuedInFuture(let iat): "token issued in the future (\(Timestamp.iso8601(seconds: iat)))"
        case .claim(let name, let problem): "claim \(name): \(problem)"
        }
    }
}
