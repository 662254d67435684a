import ArgumentParser
import ControlPlane
import Foundation

/// `edgemesh token`: mints an access token signed with JWT_SECRET.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Mint an access token (HS256 JWT signed with JWT_SECRET) for one room.")

    @Option(help: "Room the token admits to ([A-Za-z0-9._-]{1,128}).") var room: String
    @Option(help: "Participant identity (the token's sub).") var identity: String
    @Option(help: "Display name (defaults to the identity).") var name: String?
    @Option(help: "Lifetime: 90s, 30m, 1h, 2d or seconds (default 1h).") var ttl: String = "1h"
    @Option(help: "Comma-separated grants: publish,subscribe,chat,admin (default publish,subscribe,chat).")
    var grants: String?
    @Option(name: .customLong("jwt-secret-file"), help: "File holding the JWT secret (instead of JWT_SECRET).")
    var jwtSecretFile: String?

    func run() throws {
        let secretText: String
        if let jwtSecretFile {
            guard let text = try? String(contentsOfFile: jwtSecretFile, encoding: .utf8) else {
                throw ValidationError("cannot read --jwt-secret-file \(jwtSecretFile)")
            }
            secretText = text.trimmingCharacters(in: .newlines)
        } else if let value = Environment.string("JWT_SECRET") {
            secretText = value
        } else {
            throw ValidationError("JWT_SECRET is required (at least 32 bytes); set it in the environment or use --jwt-secret-file")
        }
        guard let lifetime = Self.parseDuration(ttl), lifetime > 0 else {
            throw ValidationError("--ttl \(ttl) is not a duration such as 90s, 30m, 1h or 2d")
        }
        do {
            let codec = TokenCodec(secret: try JWTSecret(secretText))
            let now = Date().timeIntervalSince1970.rounded()
            let claims = TokenClaims(
                subject: identity, room: room, name: name, expiresAt: now + lifetime, issuedAt: now,
                grants: try grants.map { (list) throws(ControlPlaneError) in try Grants.parseList(list) } ?? Grants())
            _ = try TokenClaims(payload: claims.payload)  // the same checks the backend applies
            print(codec.mint(claims))
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// `90s`, `30m`, `1h`, `2d`, or plain seconds.
    static func parseDuration(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let last = text.last, let unit = units[last], let value = Double(text.dropLast()), value.isFinite {
            return value * unit
        }
        return Double(text).flatMap { $0.isFinite ? $0 : nil }
    }
}
