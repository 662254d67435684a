import Foundation
import Testing

@testable import ControlPlane

private let secretText = "0123456789abcdef0123456789abcdef"  // 32 bytes
private let now: Double = 1_750_000_000

private func codec(_ secret: String = secretText, at time: Double = now) throws -> TokenCodec {
    TokenCodec(secret: try JWTSecret(secret), now: { time })
}

/// Signs an arbitrary header and payload text the way `mint` does.
private func sign(header: String, payload: String, secret: String = secretText) throws -> String {
    let h = Base64URL.encode(Array(header.utf8))
    let p = Base64URL.encode(Array(payload.utf8))
    return h + "." + p + "." + (try codec(secret).signature(of: h + "." + p))
}

@Suite("JWT HS256")
struct TokenCodecTests {
    @Test func mintedTokenVerifies() throws {
        let claims = TokenClaims(subject: "alice", room: "room-1", name: "Alice", expiresAt: now + 3600, issuedAt: now,
                                 grants: Grants(publish: false, subscribe: true, chat: true, admin: true))
        let token = try codec().mint(claims)
        #expect(try codec().verify(token) == claims)
        #expect(token.split(separator: ".").count == 3)
        #expect(!token.contains("="))
    }

    /// RFC 7515 Appendix A.1: the HS256 example verifies (then fails on our claims, which it lacks).
    @Test func rfc7515AppendixA1SignatureVerifies() throws {
        let key = try #require(Base64URL.decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"))
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
            + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
            + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let codec = TokenCodec(secret: try JWTSecret(bytes: key), now: { 1_300_000_000 })
        #expect(throws: ControlPlaneError.claim(name: "sub", problem: "missing")) { try codec.verify(token) }
        // One changed signature character: the signature check fails first.
        let tampered = token.replacingOccurrences(of: ".dBjf", with: ".eBjf")
        #expect(throws: ControlPlaneError.tokenSignature) { try codec.verify(tampered) }
    }

    @Test(arguments: [
        (-31.0, false),  // expired 31 s ago: beyond the 30 s leeway
        (-29.0, true),  // 29 s ago: inside the leeway
        (3600.0, true),
    ])
    func expiryLeeway(offset: Double, accepted: Bool) throws {
        let token = try codec().mint(TokenClaims(subject: "a", room: "r", expiresAt: now + offset))
        if accepted {
            #expect(try codec().verify(token).subject == "a")
        } else {
            #expect(throws: ControlPlaneError.tokenExpired(at: now + offset)) { try codec().verify(token) }
        }
    }

    @Test func expiredMessageNamesTheTime() {
        #expect(ControlPlaneError.tokenExpired(at: 0).description == "token expired at 1970-01-01T00:00:00Z")
        #expect(ControlPlaneError.tokenExpired(at: 0).code == .tokenExpired)
    }

    @Test func notBeforeAndIssuedAtAreHonoured() throws {
        let early = try codec().mint(TokenClaims(subject: "a", room: "r", expiresAt: now + 600, notBefore: now + 60))
        #expect(throws: ControlPlaneError.tokenNotYetValid(notBefore: now + 60)) { try codec().verify(early) }
        let skewed = try codec().mint(TokenClaims(subject: "a", room: "r", expiresAt: now + 600, notBefore: now + 20))
        #expect(try codec().verify(skewed).notBefore == now + 20)
        let future = try codec().mint(TokenClaims(subject: "a", room: "r", expiresAt: now + 600, issuedAt: now + 120))
        #expect(throws: ControlPlaneError.tokenIssuedInFuture(issuedAt: now + 120)) { try codec().verify(future) }
    }

    @Test func wrongSecretFails() throws {
        let token = try codec("another-secret-of-32-bytes-at-least").mint(TokenClaims(subject: "a", room: "r", expiresAt: now + 60))
        #expect(throws: ControlPlaneError.tokenSignature) { try codec().verify(token) }
    }

    @Test func tamperedPayloadFails() throws {
        let token = try codec().mint(TokenClaims(subject: "a", room: "r", expiresAt: now + 60))
        let parts = token.split(separator: ".")
        let forged = Base64URL.encode(Array(#"{"sub":"a","room":"admin-room","exp":1760000000}"#.utf8))
        #expect(throws: ControlPlaneError.tokenSignature) { try codec().verify("\(parts[0]).\(forged).\(parts[2])") }
    }

    @Test(arguments: ["none", "None", "HS512", "RS256", "hs256"])
    func onlyHS256IsAccepted(alg: String) throws {
        let payload = #"{"sub":"a","room":"r","exp":1760000000}"#
        // alg=none with an empty signature, the classic downgrade; others signed with our key.
        let header = Base64URL.encode(Array(#"{"alg":"\#(alg)","typ":"JWT"}"#.utf8))
        let unsigned = header + "." + Base64URL.encode(Array(payload.utf8)) + "."
        #expect(throws: ControlPlaneError.tokenAlgorithm(alg)) { try codec().verify(unsigned) }
        let signed = try sign(header: #"{"alg":"\#(alg)"}"#, payload: payload)
        #expect(throws: ControlPlaneError.tokenAlgorithm(alg)) { try codec().verify(signed) }
    }

    @Test(arguments: [
        ("", ControlPlaneError.tokenMissing),
        ("abc", .tokenMalformed(reason: "expected 3 dot-separated parts, found 1")),
        ("a.b", .tokenMalformed(reason: "expected 3 dot-separated parts, found 2")),
        ("a.b.c.d", .tokenMalformed(reason: "expected 3 dot-separated parts, found 4")),
        ("e30=.e30.", .tokenMalformed(reason: "header is not base64url")),  // "{}" with padding
        ("e$30.e30.", .tokenMalformed(reason: "header is not base64url")),
        ("bm90IGpzb24.e30.", .tokenMalformed(reason: "header is not a JSON object")),  // "not json"
        ("e30.e30.", .tokenMalformed(reason: "header has no alg")),  // {} . {}
        (String(repeating: "a", count: 9000), .tokenTooLarge(bytes: 9000, limit: 8192)),
    ])
    func malformedTokens(token: String, error: ControlPlaneError) throws {
        #expect(throws: error) { try codec().verify(token) }
    }

    @Test func payloadMustBeJSONObject() throws {
        let header = #"{"alg":"HS256"}"#
        #expect(throws: ControlPlaneError.tokenMalformed(reason: "payload is not JSON")) {
            try codec().verify(try sign(header: header, payload: "{not json"))
        }
        #expect(throws: ControlPlaneError.tokenMalformed(reason: "payload is a JSON array, not an object")) {
            try codec().verify(try sign(header: header, payload: "[1]"))
        }
    }

    @Test(arguments: [
        (#"{"room":"r","exp":1760000000}"#, ControlPlaneError.claim(name: "sub", problem: "missing")),
        (#"{"sub":"a","exp":1760000000}"#, .claim(name: "room", problem: "missing")),
        (#"{"sub":"a","room":"r"}"#, .claim(name: "exp", problem: "missing")),
        (#"{"sub":"","room":"r","exp":1760000000}"#, .claim(name: "sub", problem: "must be 1 to 128 characters, is 0")),
        (#"{"sub":7,"room":"r","exp":1760000000}"#, .claim(name: "sub", problem: "must be a string, not number")),
        (#"{"sub":"a","room":"r/x","exp":1760000000}"#, .claim(name: "room", problem: "must match [A-Za-z0-9._-]{1,128}")),
        (#"{"sub":"a","room":"r","exp":"soon"}"#, .claim(name: "exp", problem: "must be a number (seconds since 1970), not string")),
        (#"{"sub":"a","room":"r","exp":1760000000,"nbf":true}"#,
         .claim(name: "nbf", problem: "must be a number (seconds since 1970), not boolean")),
        (#"{"sub":"a","room":"r","exp":1760000000,"grants":[]}"#, .claim(name: "grants", problem: "must be an object, not array")),
        (#"{"sub":"a","room":"r","exp":1760000000,"grants":{"chat":"yes"}}"#,
         .claim(name: "grants.chat", problem: "must be a boolean, not string")),
    ])
    func invalidClaims(payload: String, error: ControlPlaneError) throws {
        let token = try sign(header: #"{"alg":"HS256","typ":"JWT"}"#, payload: payload)
        #expect(throws: error) { try codec().verify(token) }
        #expect(error.code == .tokenInvalid)
    }

    @Test func longFieldsAreRejected() throws {
        let long = String(repeating: "x", count: 129)
        let bad = [
            #"{"sub":"\#(long)","room":"r","exp":1760000000}"#,
            #"{"sub":"a","room":"\#(long)","exp":1760000000}"#,
            #"{"sub":"a","room":"r","name":"\#(long)","exp":1760000000}"#,
        ]
        for payload in bad {
            #expect(throws: ControlPlaneError.self) { try codec().verify(try sign(header: #"{"alg":"HS256"}"#, payload: payload)) }
        }
    }

    @Test func grantDefaults() throws {
        let token = try sign(header: #"{"alg":"HS256"}"#, payload: #"{"sub":"a","room":"r","exp":1760000000,"grants":{"publish":false}}"#)
        let claims = try codec().verify(token)
        #expect(claims.grants == Grants(publish: false, subscribe: true, chat: true, admin: false))
        #expect(claims.displayName == "a")
        let plain = try codec().verify(try sign(header: #"{"alg":"HS256"}"#, payload: #"{"sub":"a","room":"r","exp":1760000000}"#))
        #expect(plain.grants == Grants())
    }

    @Test func grantList() throws {
        #expect(try Grants.parseList("publish, chat") == Grants(publish: true, subscribe: false, chat: true, admin: false))
        #expect(throws: ControlPlaneError.self) { try Grants.parseList("publish,root") }
    }

    @Test(arguments: [0, 1, 31])
    func shortSecretsAreRefused(length: Int) {
        #expect(throws: ControlPlaneError.secretTooShort(bytes: length, minimum: 32)) {
            try JWTSecret(String(repeating: "k", count: length))
        }
    }

    @Test func secretIsNeverPrinted() throws {
        let secret = try JWTSecret(secretText)
        #expect(!"\(secret)".contains(secretText))
        #expect(!ControlPlaneError.secretTooShort(bytes: 3, minimum: 32).description.contains("abc"))
    }
}

