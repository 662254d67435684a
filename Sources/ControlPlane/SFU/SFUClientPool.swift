import GRPCCore
import GRPCInProcessTransport
import GRPCNIOTransportHTTP2
import Synchronization

/// One gRPC client per SFU address, created on first use. Their connections
/// run inside `run()` (structured: cancelling `run` closes them all).
///
/// A node in the same process (`edgemesh dev`) is reached over its
/// in-process transport instead of TCP: same service, same calls, no HTTP/2
/// framing, sockets or NIO pipelines on either side.
public final class SFUClientPool: Sendable {
    private let clients = Mutex<[String: SFUNodeClient]>([:])
    private let started: AsyncStream<any SFUConnections>
    private let starter: AsyncStream<any SFUConnections>.Continuation
    private let timeout: Duration
    private let inProcess: [String: InProcessTransport.Client]
    private let onError: @Sendable (String) -> Void

    /// - Parameters:
    ///   - timeout: deadline of each unary call.
    ///   - inProcess: the client side of an in-process transport per node
    ///     address (`host:port`, as the directory names the node); calls to
    ///     these addresses use it instead of dialing TCP. Each is used once.
    ///   - onError: called with the method name of every failed call (metrics).
    public init(
        timeout: Duration = .seconds(5), inProcess: [String: InProcessTransport.Client] = [:],
        onError: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        (started, starter) = AsyncStream.makeStream()
        self.timeout = timeout
        self.inProcess = inProcess
        self.onError = onError
    }

    /// Whether calls to `address` go over an in-process transport.
    public func isInProcess(_ address: String) -> Bool { inProcess[address] != nil }

    /// The client of `address` (`host:port`).
    /// - Throws: `ControlPlaneError.configuration` for an address without a valid port.
    public func client(for address: String) throws(ControlPlaneError) -> SFUNodeClient {
        if let existing = clients.withLock({ $0[address] }) { return existing }
        if let transport = inProcess[address] {
            return register(address) { GRPCClient(transport: transport) }
        }
        let (host, port) = try Self.split(address)
        let target: any ResolvableTarget = IPBytes(host) != nil && !host.contains(":")
            ? .ipv4(host: host, port: port) : (host.contains(":") ? .ipv6(host: host, port: port) : .dns(host: host, port: port))
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(target: target, transportSecurity: .plaintext)
        } catch {
            throw .configuration(name: "SFU address", problem: "\(address): \(error)")
        }
        return register(address) { GRPCClient(transport: transport) }
    }

    /// Adds the client of `address` unless another caller just did; starts its connections.
    private func register<Transport: ClientTransport>(
        _ address: String, _ make: () -> GRPCClient<Transport>
    ) -> SFUNodeClient {
        clients.withLock { clients in
            if let existing = clients[address] { return existing }
            let grpc = make()
            let client = SFUNodeClient(address: address, client: grpc, timeout: timeout, onError: onError)
            clients[address] = client
            starter.yield(grpc)
            return client
        }
    }

    /// Splits `host:port` or `[v6]:port`.
    static func split(_ address: String) throws(ControlPlaneError) -> (String, Int) {
        var host = Substring(address)
        guard let colon = host.lastIndex(of: ":"),
              let port = Int(host[host.index(after: colon)...]), (1...65535).contains(port)
        else {
            throw .configuration(name: "SFU address", problem: "\(address.prefix(80)) is not host:port")
        }
        host = host[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { throw .configuration(name: "SFU address", problem: "\(address.prefix(80)) has no host") }
        return (String(host), port)
    }

    /// Runs the connections of every client, present and future, until cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for await client in started {
                group.addTask { try? await client.runConnections() }
            }
        }
    }

    /// Stops accepting new clients; `run` returns once running connections end.
    public func shutdown() {
        starter.finish()
        for client in clients.withLock({ Array($0.values) }) {
            client.connections.beginGracefulShutdown()
        }
    }
}

/// The connection side of a `GRPCClient`, whatever its transport.
protocol SFUConnections: Sendable {
    func runConnections() async throws
    func beginGracefulShutdown()
}

extension GRPCClient: SFUConnections {}
