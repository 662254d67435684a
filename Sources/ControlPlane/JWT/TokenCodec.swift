import Crypto

/// JWS compact serialization with HS256 (RFC 7515 §7.1, RFC 7518 §3.2):
///
///     BASE64URL(UTF8(JWS Protected Header)) || '.' ||
///     BASE64URL(JWS Payload) || '.' ||
///     BASE64URL(JWS Signature)
///
/// where the signature is HMAC-SHA-256 over the first two parts (ASCII).
/// Verification accepts only `"alg":"HS256"` (never `none`), checks the MAC in
/// constant time, then the claims with a clock-skew leeway on `exp`, `nbf`, `iat`.
public struct TokenCodec: Sendable {
    /// Longest accepted token, in bytes.
    public static let maximumTokenBytes = 8192
    /// Clock-skew leeway on time claims (PROTOCOL.md: at most 30 s).
    public static let defaultLeeway: Double = 30

    public let secret: JWTSecret
    public let leeway: Double
    private let now: @Sendable () -> Double

    /// - Parameters:
    ///   - leeway: seconds of tolerated clock skew, clamped to 0...30.
    ///   - now: the wall clock, seconds since 1970 (injected for tests).
    public init(secret: JWTSecret, leeway: Double = TokenCodec.defaultLeeway,
                now: @escaping @Sendable () -> Double = { Timestamp.now() }) {
        self.secret = secret
        self.leeway = min(max(leeway, 0), 30)
        self.now = now
    }

    /// A signed token carrying `claims`.
    public func mint(_ claims: TokenClaims) -> String {
        let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = Base64URL.encode(Array(claims.payload.serialized().utf8))
        let signingInput = header + "." + payload
        return signingInput + "." + signature(of: signingInput)
    }

    /// The base64url HMAC-SHA-256 of a JWS signing input.
    func signature(of signingInput: String) -> String {
        Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: secret.key)))
    }

    /// Verifies signature and claims.
    /// - Throws: `ControlPlaneError` (`tokenMissing`, `tokenTooLarge`, `tokenMalformed`,
    ///   `tokenAlgorithm`, `tokenSignature`, `tokenExpired`, `tokenNotYetValid`,
    ///   `tokenIssuedInFuture`, `claim`).
    public func verify(_ token: String) throws(ControlPlaneError) -> TokenClaims {
        let size = token.utf8.count
        guard size > 0 else { throw .tokenMissing }
        guard size <= Self.maximumTokenBytes else { throw .tokenTooLarge(bytes: size, limit: Self.maximumTokenBytes) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .tokenMalformed(reason: "expected 3 dot-separated parts, found \(parts.count)") }
        guard let headerBytes = Base64URL.decode(parts[0]) else { throw .tokenMalformed(reason: "header is not base64url") }
        guard let header = try? JSONValue.parse(headerBytes).objectValue else {
            throw .tokenMalformed(reason: "header is not a JSON object")
        }
        guard let alg = header["alg"]?.stringValue else { throw .tokenMalformed(reason: "header has no alg") }
        guard alg == "HS256" else { throw .tokenAlgorithm(alg) }
        if let crit = header["crit"] { _ = crit; throw .tokenMalformed(reason: "critical header extensions are not supported") }
        guard let signature = Base64URL.decode(parts[2]) else { throw .tokenMalformed(reason: "signature is not base64url") }
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: secret.key) else {
            throw .tokenSignature
        }
        guard let payloadBytes = Base64URL.decode(parts[1]) else { throw .tokenMalformed(reason: "payload is not base64url") }
        let payload: JSONValue
        do {
            payload = try JSONValue.parse(payloadBytes)
        } catch {
            throw .tokenMalformed(reason: "payload is not JSON")
        }
        let claims = try TokenClaims(payload: payload)
        let current = now()
        guard current <= claims.expiresAt + leeway else { throw .tokenExpired(at: claims.expiresAt) }
        if let nbf = claims.notBefore, current + leeway < nbf { throw .tokenNotYetValid(notBefore: nbf) }
        if let iat = claims.issuedAt, current + leeway < iat { throw .tokenIssuedInFuture(issuedAt: iat) }
        return claims
    }
}
