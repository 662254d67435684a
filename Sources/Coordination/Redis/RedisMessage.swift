/// One pub/sub message received by a `RedisSubscriber`.
public struct RedisMessage: Sendable, Hashable {
    /// The channel the message was published on.
    public var channel: String
    /// The published bytes, unchanged.
    public var payload: [UInt8]
    /// The `psubscribe` pattern that matched, `nil` for a plain `subscribe`.
    public var pattern: String?

    /// Creates a message.
    public init(channel: String, payload: [UInt8], pattern: String? = nil) {
        self.channel = channel
        self.payload = payload
        self.pattern = pattern
    }
}
