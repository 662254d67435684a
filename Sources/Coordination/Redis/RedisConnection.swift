import CHiredis
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking hiredis connection, owned by exactly one thread.
///
/// Not `Sendable`: a `RedisClient` or `RedisSubscriber` creates it on its own
/// thread and never lets it leave. Any error leaves the context unusable
/// (hiredis errors are sticky), so the owner drops the connection and
/// connects again. `deinit` frees the context with `redisFree`.
final class RedisConnection {
    private let context: UnsafeMutablePointer<redisContext>
    private let configuration: RedisConfiguration

    private init(context: UnsafeMutablePointer<redisContext>, configuration: RedisConfiguration) {
        self.context = context
        self.configuration = configuration
    }

    deinit {
        redisFree(context)
    }

    /// The socket, for poll(2).
    var fileDescriptor: Int32 { edgemesh_redis_fd(context) }

    /// Connects, sets the socket timeouts and keepalive, then sends AUTH and
    /// SELECT when configured. Every failure is `.connectFailed`.
    static func connect(_ configuration: RedisConfiguration) -> Result<RedisConnection, RedisError> {
        let host = configuration.host
        let port = configuration.port
        func failed(_ reason: String) -> Result<RedisConnection, RedisError> {
            .failure(.connectFailed(host: host, port: port, reason: reason))
        }
        guard let cPort = Int32(exactly: port), (1...65_535).contains(cPort) else {
            return failed("port out of range")
        }
        let context = host.withCString { redisConnectWithTimeout($0, cPort, socketTimeout(configuration.connectTimeout)) }
        guard let context else { return failed("cannot allocate a hiredis context") }
        if context.pointee.err != 0 {
            let reason = String(cString: edgemesh_redis_errstr(context))
            redisFree(context)
            return failed(reason)
        }
        let connection = RedisConnection(context: context, configuration: configuration)
        guard redisSetTimeout(context, socketTimeout(configuration.commandTimeout)) == REDIS_OK else {
            return failed("cannot set socket timeout: \(String(cString: edgemesh_redis_errstr(context)))")
        }
        _ = redisEnableKeepAlive(context)
        var handshake: [[RedisArgument]] = []
        if let password = configuration.password { handshake.append(["AUTH", .string(password)]) }
        if configuration.database != 0 { handshake.append(["SELECT", .int(configuration.database)]) }
        for arguments in handshake {
            do {
                let command = try EncodedCommand(arguments)
                try connection.append(command)
                if case .error(let message) = try connection.readReply() {
                    return failed("\(command.name) refused: \(message)")
                }
            } catch {
                return failed("handshake: \(error)")
            }
        }
        return .success(connection)
    }

    /// Queues a command in the output buffer (nothing is written yet).
    func append(_ command: EncodedCommand) throws(RedisError) {
        let status = command.withArgv { argc, argv, argvlen in
            redisAppendCommandArgv(context, argc, argv, argvlen)
        }
        guard status == REDIS_OK else { throw currentError() }
    }

    /// Writes any queued commands and blocks for the next reply, at most
    /// `commandTimeout` per socket read or write.
    func readReply() throws(RedisError) -> RedisValue {
        var reply: UnsafeMutableRawPointer?
        edgemesh_clear_errno()
        guard redisGetReply(context, &reply) == REDIS_OK, let reply else { throw currentError() }
        defer { freeReplyObject(reply) }
        return try RedisValue(reply: reply.assumingMemoryBound(to: redisReply.self))
    }

    /// Writes the whole output buffer (blocking, bounded by `commandTimeout`).
    func flush() throws(RedisError) {
        var done: Int32 = 0
        while done == 0 {
            edgemesh_clear_errno()
            guard redisBufferWrite(context, &done) == REDIS_OK else { throw currentError() }
        }
    }

    /// Reads what the socket has (one read(2)); call only when poll(2) says readable.
    func readAvailable() throws(RedisError) {
        edgemesh_clear_errno()
        guard redisBufferRead(context) == REDIS_OK else { throw currentError() }
    }

    /// The next reply already in the read buffer, without touching the socket.
    func bufferedReply() throws(RedisError) -> RedisValue? {
        var reply: UnsafeMutableRawPointer?
        guard redisReaderGetReply(edgemesh_redis_reader(context), &reply) == REDIS_OK else {
            throw .protocolError(reason: "reader: \(String(cString: edgemesh_redis_errstr(context)))")
        }
        guard let reply else { return nil }
        defer { freeReplyObject(reply) }
        return try RedisValue(reply: reply.assumingMemoryBound(to: redisReply.self))
    }

    /// Maps the context's sticky error (and errno) to a `RedisError`.
    private func currentError() -> RedisError {
        let code = edgemesh_errno()
        let reason = String(cString: edgemesh_redis_errstr(context))
        switch context.pointee.err {
        case REDIS_ERR_IO where code == EAGAIN || code == EWOULDBLOCK:
            return .timeout(after: configuration.commandTimeout)
        case REDIS_ERR_IO, REDIS_ERR_EOF:
            return .connectionLost(reason: reason.isEmpty ? "I/O error \(code)" : reason)
        case REDIS_ERR_PROTOCOL:
            return .protocolError(reason: reason)
        case REDIS_ERR_OOM:
            return .protocolError(reason: "hiredis out of memory")
        default:
            return .protocolError(reason: reason.isEmpty ? "hiredis error \(context.pointee.err)" : reason)
        }
    }
}

/// A socket timeout of `duration`, at least 1 ms (a zero timeval means "never" to the kernel).
func socketTimeout(_ duration: Duration) -> timeval {
    let (seconds, attoseconds) = duration.components
    let micros = max(0, attoseconds / 1_000_000_000_000)
    if seconds < 0 || (seconds == 0 && micros < 1_000) {
        return timeval(tv_sec: 0, tv_usec: 1_000)
    }
    return timeval(tv_sec: Int(clamping: seconds), tv_usec: Int(micros))
}

extension RedisValue {
    /// Copies a hiredis reply tree (hiredis caps nesting at 7 levels).
    init(reply: UnsafePointer<redisReply>) throws(RedisError) {
        let node = reply.pointee
        func bytes() throws(RedisError) -> [UInt8] {
            guard node.len >= 0 else { throw .protocolError(reason: "negative reply length \(node.len)") }
            guard node.len > 0 else { return [] }
            guard let str = node.str else { throw .protocolError(reason: "reply of \(node.len) bytes without data") }
            return Array(UnsafeRawBufferPointer(start: str, count: node.len))
        }
        switch node.type {
        case REDIS_REPLY_STRING:
            self = .string(try bytes())
        case REDIS_REPLY_STATUS:
            self = .status(String(decoding: try bytes(), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .error(String(decoding: try bytes(), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            self = .integer(node.integer)
        case REDIS_REPLY_NIL:
            self = .null
        case REDIS_REPLY_ARRAY:
            guard node.elements >= 0 else { throw .protocolError(reason: "negative element count \(node.elements)") }
            var values: [RedisValue] = []
            values.reserveCapacity(node.elements)
            if node.elements > 0 {
                guard let elements = node.element else {
                    throw .protocolError(reason: "array of \(node.elements) elements without storage")
                }
                for index in 0..<node.elements {
                    guard let element = elements[index] else { throw .protocolError(reason: "missing array element \(index)") }
                    values.append(try RedisValue(reply: element))
                }
            }
            self = .array(values)
        default:
            throw .protocolError(reason: "unknown reply type \(node.type)")
        }
    }
}
