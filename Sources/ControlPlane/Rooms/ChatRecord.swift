/// One chat message of a room, as stored in its history and sent to clients.
public struct ChatRecord: Sendable, Codable, Equatable {
    /// Server-assigned id (`CH_…`).
    public var id: String
    public var fromID: String
    public var fromIdentity: String
    public var fromName: String
    public var text: String
    /// Milliseconds since 1970.
    public var ts: Int64

    public init(id: String, fromID: String, fromIdentity: String, fromName: String, text: String, ts: Int64) {
        self.id = id
        self.fromID = fromID
        self.fromIdentity = fromIdentity
        self.fromName = fromName
        self.text = text
        self.ts = ts
    }
}
