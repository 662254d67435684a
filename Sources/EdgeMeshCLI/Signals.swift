import ControlPlane
import EdgeNode
import Logging
import ServiceLifecycle

/// The long-running processes as swift-service-lifecycle services, run in one
/// `ServiceGroup` per process:
///
/// - SIGTERM is a graceful shutdown: an SFU node drains (no new participants,
///   its participants are sent `migrate`, it exits when empty or after the
///   drain timeout); a backend stops accepting, closes its sockets and exits.
/// - SIGINT: for `edgemesh sfu` it cancels at once (an interactive Ctrl-C
///   does not wait for a drain); for `backend` and `dev` it is a graceful
///   shutdown like SIGTERM.
///
/// Services shut down in the reverse of the order they are given, one after
/// the other: `edgemesh dev` lists its nodes first and the backend last, so
/// the backend stops before the nodes (its gRPC streams to them end cleanly).
enum Lifecycle {
    /// Runs `services` until they finish, a signal stops them, or one fails (its error is rethrown).
    static func run(
        _ services: [ServiceGroupConfiguration.ServiceConfiguration], logger: Logger, gracefulShutdownLimit: Duration,
        interruptCancels: Bool = false
    ) async throws {
        var configuration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: interruptCancels ? [.sigterm] : [.sigterm, .sigint],
            cancellationSignals: interruptCancels ? [.sigint] : [],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = gracefulShutdownLimit
        try await ServiceGroup(configuration: configuration).run()
    }
}

/// An SFU node. On graceful shutdown it drains for at most `drainTimeout`
/// (nil: it stops at once, as the nodes of `edgemesh dev` do).
struct NodeLifecycleService: Service, CustomStringConvertible {
    let node: NodeService
    let drainTimeout: Duration?

    func run() async throws {
        do {
            if let drainTimeout {
                let drain = node.drain
                try await withGracefulShutdownHandler {
                    try await node.run()
                } onGracefulShutdown: {
                    drain.begin(timeout: drainTimeout)
                }
            } else {
                let node = node
                try await cancelWhenGracefulShutdown { try await node.run() }
            }
        } catch {
            // Say why (a port in use, a bad credential) before the group stops everything.
            if !(error is CancellationError) {
                Logger(label: "edgemesh.sfu").error(
                    "sfu node failed", metadata: ["node": "\(node.configuration.nodeID)", "error": "\(error)"])
            }
            throw error
        }
    }

    var description: String { "sfu \(node.configuration.nodeID)" }
}

/// A backend: graceful shutdown stops the HTTP server (no new connections),
/// closes the signaling sockets and the SFU and Redis connections. The
/// Hummingbird server inside reacts to the group's graceful shutdown itself.
struct BackendLifecycleService: Service, CustomStringConvertible {
    let backend: Backend

    func run() async throws {
        try await backend.run()
    }

    var description: String { "backend" }
}
