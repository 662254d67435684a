/// The claims of an EdgeMesh access token (PROTOCOL.md "Tokens").
public struct TokenClaims: Sendable, Equatable {
    /// Longest `sub`, `room` and `name`, in characters.
    public static let maximumFieldLength = 128

    /// `sub`: the participant's identity, unique in the room.
    public var subject: String
    /// `room`: the only room this token admits to (`[A-Za-z0-9._-]{1,128}`).
    public var room: String
    /// `name`: display name, when given.
    public var name: String?
    /// `exp`: expiry, seconds since 1970.
    public var expiresAt: Double
    /// `nbf`: not valid before, seconds since 1970.
    public var notBefore: Double?
    /// `iat`: issued at, seconds since 1970.
    public var issuedAt: Double?
    public var grants: Grants

    public init(subject: String, room: String, name: String? = nil, expiresAt: Double, notBefore: Double? = nil,
                issuedAt: Double? = nil, grants: Grants = Grants()) {
        self.subject = subject
        self.room = room
        self.name = name
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.issuedAt = issuedAt
        self.grants = grants
    }

    /// The display name: `name`, or `sub` when absent.
    public var displayName: String { name ?? subject }

    /// Whether `room` matches `[A-Za-z0-9._-]{1,128}`.
    public static func isValidRoom(_ room: some StringProtocol) -> Bool {
        (1...maximumFieldLength).contains(room.utf8.count) && room.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x2E || c == 0x5F || c == 0x2D
        }
    }

    /// Reads and validates the claims of a decoded payload.
    /// - Throws: `ControlPlaneError.claim` naming the claim that is missing or wrong.
    public init(payload: JSONValue) throws(ControlPlaneError) {
        guard let object = payload.objectValue else {
            throw .tokenMalformed(reason: "payload is a JSON \(payload.typeName), not an object")
        }
        func string(_ key: String) throws(ControlPlaneError) -> String? {
            guard let value = object[key] else { return nil }
            guard let text = value.stringValue else { throw .claim(name: key, problem: "must be a string, not \(value.typeName)") }
            return text
        }
        func number(_ key: String) throws(ControlPlaneError) -> Double? {
            guard let value = object[key] else { return nil }
            guard let number = value.numberValue, number.isFinite else {
                throw .claim(name: key, problem: "must be a number (seconds since 1970), not \(value.typeName)")
            }
            return number
        }
        guard let subject = try string("sub") else { throw .claim(name: "sub", problem: "missing") }
        guard (1...Self.maximumFieldLength).contains(subject.count), subject.utf8.count <= 4 * Self.maximumFieldLength else {
            throw .claim(name: "sub", problem: "must be 1 to \(Self.maximumFieldLength) characters, is \(subject.count)")
        }
        guard let room = try string("room") else { throw .claim(name: "room", problem: "missing") }
        guard Self.isValidRoom(room) else {
            throw .claim(name: "room", problem: "must match [A-Za-z0-9._-]{1,\(Self.maximumFieldLength)}")
        }
        let name = try string("name")
        if let name, name.count > Self.maximumFieldLength || name.utf8.count > 4 * Self.maximumFieldLength {
            throw .claim(name: "name", problem: "longer than \(Self.maximumFieldLength) characters (\(name.count))")
        }
        guard let expiresAt = try number("exp") else { throw .claim(name: "exp", problem: "missing") }
        let grants = try object["grants"].map { (claim) throws(ControlPlaneError) in try Grants(claim: claim) } ?? Grants()
        self.init(subject: subject, room: room, name: name, expiresAt: expiresAt, notBefore: try number("nbf"),
                  issuedAt: try number("iat"), grants: grants)
    }

    /// The payload object of these claims (for minting).
    public var payload: JSONValue {
        var object: JSONObject = ["sub": .string(subject), "room": .string(room)]
        if let name { object["name"] = .string(name) }
        if let issuedAt { object["iat"] = .number(issuedAt) }
        if let notBefore { object["nbf"] = .number(notBefore) }
        object["exp"] = .number(expiresAt)
        object["grants"] = grants.json
        return .object(object)
    }
}
