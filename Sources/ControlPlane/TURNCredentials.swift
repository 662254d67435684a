import Crypto
import Foundation

/// TURN servers for `joined.iceServers` (`TURN_URLS`, `TURN_SECRET`,
/// `TURN_TTL`), with credentials in the TURN REST API scheme
/// (draft-uberti-behave-turn-rest-00 §2.2) that coturn's `use-auth-secret`
/// / `static-auth-secret` checks:
///
///     username   = "<expiry, Unix seconds>:<participant id>"
///     credential = base64(HMAC-SHA1(secret, username))
///
/// The secret is never printed: `description` redacts it.
public struct TURNConfiguration: Sendable, CustomStringConvertible {
    /// `turn:` / `turns:` URLs (RFC 7065), e.g. `turn:turn.example.com:3478?transport=udp`.
    public var urls: [String]
    /// The secret shared with the TURN servers (coturn `static-auth-secret`).
    public var secret: String
    /// How long a credential stays valid; 24 h by default.
    public var ttlSeconds: Int

    /// - Throws: `ControlPlaneError.configuration` for no URL, a URL that is
    ///   not `turn:`/`turns:`, an empty secret or a TTL outside 60 s … 7 days.
    public init(urls: [String], secret: String, ttlSeconds: Int = 86_400) throws(ControlPlaneError) {
        guard !urls.isEmpty else { throw .configuration(name: "TURN_URLS", problem: "empty") }
        for url in urls where !(url.hasPrefix("turn:") || url.hasPrefix("turns:")) {
            throw .configuration(name: "TURN_URLS", problem: "\(url) is not a turn: or turns: URL")
        }
        guard !secret.isEmpty else { throw .configuration(name: "TURN_SECRET", problem: "required with TURN_URLS") }
        guard (60...604_800).contains(ttlSeconds) else {
            throw .configuration(name: "TURN_TTL", problem: "must be 60 to 604800 seconds, got \(ttlSeconds)")
        }
        self.urls = urls
        self.secret = secret
        self.ttlSeconds = ttlSeconds
    }

    public var description: String { "TURN(urls: \(urls), ttl: \(ttlSeconds) s, secret: <redacted>)" }

    /// Time-limited credentials for one participant, valid until `now + ttl`.
    public func credentials(participant: String, now: Date = Date()) -> TURNCredentials {
        let expiry = Int64(now.timeIntervalSince1970.rounded(.down)) + Int64(ttlSeconds)
        return TURNCredentials(username: "\(expiry):\(participant)", secret: secret)
    }

    /// The `RTCIceServer` entry for `joined.iceServers`.
    public func iceServer(participant: String, now: Date = Date()) -> JSONValue {
        let credentials = credentials(participant: participant, now: now)
        var object = JSONObject()
        object["urls"] = .array(urls.map { .string($0) })
        object["username"] = .string(credentials.username)
        object["credential"] = .string(credentials.credential)
        return .object(object)
    }
}

/// One TURN REST API username/credential pair.
public struct TURNCredentials: Sendable, Equatable {
    public let username: String
    /// base64(HMAC-SHA1(secret, username)).
    public let credential: String

    public init(username: String, secret: String) {
        self.username = username
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(username.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        self.credential = Data(mac).base64EncodedString()
    }
}
