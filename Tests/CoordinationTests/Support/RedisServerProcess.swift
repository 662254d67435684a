import Coordination
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `redis-server` the tests start themselves on a free loopback port.
///
/// `/usr/bin/redis-server` unless `EDGEMESH_REDIS_SERVER` names another binary.
/// Always stop it (`withRedisServer` does): a crashed test run leaves the
/// process behind otherwise.
final class RedisServerProcess: @unchecked Sendable {
    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    /// `requirepass` of the server, also used for the readiness PING.
    let password: String?
    private let lock = NSLock()
    private var process: Process?

    private init(port: Int, password: String?) {
        self.port = port
        self.password = password
    }

    /// Starts a server on a fresh free port and waits until it answers PING.
    static func start(password: String? = nil) async throws -> RedisServerProcess {
        let server = RedisServerProcess(port: try freeLoopbackPort(), password: password)
        try await server.launch()
        return server
    }

    /// Client settings for this server with short timeouts and backoff for tests.
    func configuration(commandTimeout: Duration = .seconds(2)) -> RedisConfiguration {
        RedisConfiguration(
            host: "127.0.0.1", port: port,
            connectTimeout: .seconds(1), commandTimeout: commandTimeout,
            reconnectBackoffMin: .milliseconds(20), reconnectBackoffMax: .milliseconds(200))
    }

    /// Starts the binary on `port` (again, after `kill`) and waits for PING.
    func launch() async throws {
        let binary = ProcessInfo.processInfo.environment["EDGEMESH_REDIS_SERVER"] ?? "/usr/bin/redis-server"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"]
            + (password.map { ["--requirepass", $0] } ?? [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        lock.withLock { self.process = process }
        try await waitUntilReady(within: .seconds(10))
    }

    /// Polls PING on fresh connections until one succeeds or the deadline passes.
    private func waitUntilReady(within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        var lastError: RedisError?
        while ContinuousClock.now < deadline {
            var settings = configuration(commandTimeout: .milliseconds(500))
            settings.password = password
            let client = RedisClient(configuration: settings)
            do {
                try await client.ping()
                await client.close()
                return
            } catch {
                lastError = error
                await client.close()
            }
            guard lock.withLock({ process?.isRunning ?? false }) else {
                throw StartError(description: "redis-server on port \(port) exited during startup")
            }
            try await Task.sleep(for: .milliseconds(10))  // poll interval
        }
        throw StartError(description: "redis-server on port \(port) not ready: \(lastError.map(String.init(describing:)) ?? "?")")
    }

    /// SIGKILL, then reap the process.
    func kill() {
        guard let process = lock.withLock({ () -> Process? in
            let current = self.process
            self.process = nil
            return current
        }) else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGSTOP: the server keeps its sockets but answers nothing.
    func suspend() { signal(SIGSTOP) }

    /// SIGCONT after `suspend`.
    func resume() { signal(SIGCONT) }

    private func signal(_ number: Int32) {
        guard let pid = lock.withLock({ process?.processIdentifier }) else { return }
        Glibc.kill(pid, number)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
    static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "socket() failed: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw StartError(description: "bind() failed: \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw StartError(description: "getsockname() failed: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Runs `body` with a freshly started server and kills the server afterwards, even on error.
func withRedisServer<T>(
    password: String? = nil, _ body: (RedisServerProcess) async throws -> T
) async throws -> T {
    let server = try await RedisServerProcess.start(password: password)
    defer { server.kill() }
    return try await body(server)
}
