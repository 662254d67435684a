/// A reply from a Redis server, mirroring the RESP2 reply types hiredis reports.
///
/// Bulk strings are raw bytes: Redis is binary safe and so is this type.
public enum RedisValue: Sendable, Hashable {
    /// A bulk string (`$<len>\r\n<bytes>\r\n`), any bytes including NUL and CRLF.
    case string([UInt8])
    /// A simple status reply such as `OK` or `PONG` (`+OK\r\n`).
    case status(String)
    /// An integer reply (`:<n>\r\n`).
    case integer(Int64)
    /// A multi-bulk reply (`*<n>\r\n...`).
    case array([RedisValue])
    /// The null bulk string or null array (`$-1\r\n`, `*-1\r\n`).
    case null
    /// An error reply (`-ERR message\r\n`), carrying the message without the `-`.
    case error(String)

    /// The bytes of a bulk string or status reply, `nil` for every other type.
    public var bytes: [UInt8]? {
        switch self {
        case .string(let bytes): return bytes
        case .status(let text): return Array(text.utf8)
        default: return nil
        }
    }

    /// A bulk string or status decoded as UTF-8 (invalid sequences replaced), else `nil`.
    public var text: String? {
        switch self {
        case .string(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        default: return nil
        }
    }

    /// The value of an integer reply, else `nil`.
    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The elements of an array reply, else `nil`.
    public var array: [RedisValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// Whether this is the null reply.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A short description for error messages (type and size, never the full payload).
    var summary: String {
        switch self {
        case .string(let bytes): return "string(\(bytes.count) bytes)"
        case .status(let text): return "status(\(text.prefix(64)))"
        case .integer(let value): return "integer(\(value))"
        case .array(let values): return "array(\(values.count) elements)"
        case .null: return "null"
        case .error(let message): return "error(\(message.prefix(64)))"
        }
    }
}

/// One argument of a Redis command, binary safe.
///
/// String and integer literals convert implicitly: `["SET", "key", .bytes(payload)]`.
public enum RedisArgument: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// Raw bytes, sent as they are.
    case bytes([UInt8])
    /// Text, sent as its UTF-8 bytes.
    case string(String)

    /// Creates a text argument from a literal.
    public init(stringLiteral value: String) { self = .string(value) }

    /// Creates an argument holding the decimal form of an integer, as Redis expects.
    public init(integerLiteral value: Int) { self = .string(String(value)) }

    /// The decimal form of an integer, as Redis expects it.
    public static func int<I: BinaryInteger>(_ value: I) -> RedisArgument { .string(String(value)) }

    /// The number of bytes this argument puts on the wire (without framing).
    var byteCount: Int {
        switch self {
        case .bytes(let bytes): return bytes.count
        case .string(let text): return text.utf8.count
        }
    }
}
