import Foundation
import Testing

@testable import ControlPlane

@Suite("TURN REST API credentials")
struct TURNCredentialsTests {
    /// RFC 2202 §3 test case 2 (HMAC-SHA1, key "Jefe"):
    /// effcdf6ae5eb2fa2d27416d5f184df9c259a7c79, here in base64 as coturn expects it.
    @Test func hmacSHA1MatchesRFC2202() {
        let credentials = TURNCredentials(username: "what do ya want for nothing?", secret: "Jefe")
        #expect(credentials.credential == "7/zfauXrL6LSdBbV8YTfnCWafHk=")
    }

    /// username = "<now + ttl>:<participant>", credential = base64(HMAC-SHA1(secret, username))
    /// (value computed independently with Python's hmac module).
    @Test func usernameCarriesExpiryAndParticipant() throws {
        let turn = try TURNConfiguration(urls: ["turn:turn.example.com:3478"], secret: "north", ttlSeconds: 86_400)
        let credentials = turn.credentials(participant: "PA_alice", now: Date(timeIntervalSince1970: 1_750_000_000.9))
        #expect(credentials.username == "1750086400:PA_alice")
        #expect(credentials.credential == "uDSNzlsB6Z8inhlxmGHmGgYZeXU=")
    }

    @Test func iceServerEntryHasURLsUsernameCredential() throws {
        let turn = try TURNConfiguration(
            urls: ["turn:a.example:3478?transport=udp", "turns:a.example:5349?transport=tcp"], secret: "s", ttlSeconds: 600)
        let entry = turn.iceServer(participant: "PA_x", now: Date(timeIntervalSince1970: 1000))
        guard case .object(let object) = entry else {
            Issue.record("not an object: \(entry)")
            return
        }
        #expect(object.keys == ["urls", "username", "credential"])
        #expect(object["urls"] == .array([.string("turn:a.example:3478?transport=udp"), .string("turns:a.example:5349?transport=tcp")]))
        #expect(object["username"] == .string("1600:PA_x"))
    }

    @Test func descriptionNeverShowsTheSecret() throws {
        let turn = try TURNConfiguration(urls: ["turn:a.example"], secret: "very-secret-value")
        #expect(!"\(turn)".contains("very-secret-value"))
        #expect("\(turn)".contains("<redacted>"))
    }

    @Test(arguments: [
        ([String](), "s", 600, "TURN_URLS"),  // no URL
        (["stun:a.example"], "s", 600, "TURN_URLS"),  // not turn:/turns:
        (["turn:a.example"], "", 600, "TURN_SECRET"),  // no secret
        (["turn:a.example"], "s", 59, "TURN_TTL"),  // below 60 s
        (["turn:a.example"], "s", 604_801, "TURN_TTL"),  // above 7 days
    ])
    func invalidConfigurationIsRefused(urls: [String], secret: String, ttl: Int, name: String) {
        #expect(throws: ControlPlaneError.self) { try TURNConfiguration(urls: urls, secret: secret, ttlSeconds: ttl) }
        do {
            _ = try TURNConfiguration(urls: urls, secret: secret, ttlSeconds: ttl)
        } catch {
            if case .configuration(let field, _) = error { #expect(field == name) } else { Issue.record("\(error)") }
        }
    }
}
