/// Where and how a `RedisClient` or `RedisSubscriber` connects.
public struct RedisConfiguration: Sendable, Hashable {
    /// Server host name or address. Default `127.0.0.1`.
    public var host: String
    /// Server TCP port. Default `6379`.
    public var port: Int
    /// Limit for the TCP connect. Default 2 s.
    public var connectTimeout: Duration
    /// Limit for each blocking read or write on the socket (`redisSetTimeout`). Default 2 s.
    public var commandTimeout: Duration
    /// First delay before reconnecting after a failure; doubled per failure. Default 100 ms.
    public var reconnectBackoffMin: Duration
    /// Largest delay between reconnect attempts. Default 5 s.
    public var reconnectBackoffMax: Duration
    /// Password sent with `AUTH` after connecting; `nil` sends none. Default `nil`.
    public var password: String?
    /// Database selected with `SELECT` after connecting when not 0. Default 0.
    public var database: Int

    /// Creates a configuration; every parameter has the documented default.
    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(2),
        reconnectBackoffMin: Duration = .milliseconds(100),
        reconnectBackoffMax: Duration = .seconds(5),
        password: String? = nil,
        database: Int = 0
    ) {
        self.host = host
        self.port = port
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.reconnectBackoffMin = reconnectBackoffMin
        self.reconnectBackoffMax = reconnectBackoffMax
        self.password = password
        self.database = database
    }

    /// Creates a configuration from a `REDIS_ADDR` value, `host:port` or `[v6addr]:port`.
    public init(address: String) throws(RedisError) {
        var host = Substring(address)
        var portText: Substring
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw .invalidArgument(reason: "unterminated [ in address \(address)", size: address.utf8.count)
            }
            let rest = host[host.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw .invalidArgument(reason: "missing :port in address \(address)", size: address.utf8.count)
            }
            portText = rest.dropFirst()
            host = host[host.index(after: host.startIndex)..<close]
        } else {
            guard let colon = host.lastIndex(of: ":") else {
                throw .invalidArgument(reason: "missing :port in address \(address)", size: address.utf8.count)
            }
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty, let port = Int(portText), (1...65_535).contains(port) else {
            throw .invalidArgument(reason: "bad host or port in address \(address)", size: address.utf8.count)
        }
        self.init(host: String(host), port: port)
    }
}
