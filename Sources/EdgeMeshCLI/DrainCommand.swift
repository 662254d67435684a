import ArgumentParser
import ControlPlane
import Coordination
import Foundation

/// `edgemesh drain NODE`: the node takes no new participants, the backends
/// send its participants `migrate` (they reconnect and are placed on another
/// node), and the node exits when empty or after the timeout.
struct DrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Drain an SFU node: no new participants, current ones migrate, the node exits when empty.",
        discussion: """
            The node's gRPC address comes from --grpc, or from the registry (--redis or REDIS_ADDR). \
            Exit codes: 0 done, 64 bad usage, 68 unknown node, 69 Redis or node unreachable, \
            70 the node refused, 75 --wait gave up with participants left.
            """)

    @Argument(help: "The node id (NODE_ID of that node).") var node: String
    @Option(help: "The node's gRPC address host:port (skips the registry).") var grpc: String?
    @Option(help: "Redis host:port of the node registry (REDIS_ADDR).") var redis: String?
    @Option(help: "Seconds after which the node exits even with participants left (1-86400).") var timeout = 300
    @Flag(help: "Wait until the node has no participants left or is gone.") var wait = false
    @Flag(help: "Print JSON instead of text.") var json = false

    struct Outcome: Encodable {
        var node: String
        var address: String
        var participants: Int
        var remaining: Int?
        var exited: Bool?
    }

    func validate() throws {
        guard (1...86400).contains(timeout) else { throw ValidationError("--timeout must be 1 to 86400 seconds, got \(timeout)") }
        if grpc != nil, redis != nil { throw ValidationError("give --grpc or --redis, not both") }
    }

    func run() async throws {
        let address = try await nodeAddress()
        let (node, timeout, wait) = (node, timeout, wait)
        let outcome = try await withSFUClients { pool in
            let client: SFUNodeClient
            do {
                client = try pool.client(for: address)
            } catch {
                throw ValidationError("\(address): \(error)")
            }
            let stats: NodeStatsMessage
            do throws(SFUCallError) {
                stats = try await client.nodeStats()
            } catch {
                throw operatorFailure("drain", "node \(node) at \(address) does not answer: \(error.message)", OperatorExit.unavailable)
            }
            guard stats.nodeID == node else {
                throw operatorFailure("drain", "\(address) is node \(stats.nodeID), not \(node)", OperatorExit.noSuchNode)
            }
            let participants: Int
            do throws(SFUCallError) {
                participants = try await client.drain(timeoutSeconds: UInt32(timeout))
            } catch {
                let code = error.kind == .unavailable ? OperatorExit.unavailable : OperatorExit.refused
                throw operatorFailure("drain", "node \(node) refused to drain: \(error.message)", code)
            }
            var outcome = Outcome(node: node, address: address, participants: participants)
            guard wait else { return outcome }
            if !json { print("draining \(node) (\(address)): \(participants) participants; waiting up to \(timeout)s") }
            // The node exits by itself at its deadline; allow it a little longer to go.
            let deadline = ContinuousClock.now + .seconds(timeout + 15)
            while ContinuousClock.now < deadline {
                do throws(SFUCallError) {
                    let left = Int(try await client.nodeStats(timeout: .seconds(2)).participants)
                    outcome.remaining = left
                    if left == 0 { return outcome }
                } catch {
                    guard error.kind == .unavailable else {
                        throw operatorFailure("drain", "watching \(node): \(error.message)", OperatorExit.refused)
                    }
                    // Gone: empty, or its deadline passed (`remaining` is the last count seen).
                    outcome.exited = true
                    if outcome.remaining == nil { outcome.remaining = participants }
                    return outcome
                }
                try await Task.sleep(for: .milliseconds(500))
            }
            return outcome
        }
        if json {
            try printJSON(outcome)
        } else if !wait {
            print("draining \(node) (\(address)): \(outcome.participants) participants get migrate; the node exits when empty or after \(timeout)s")
        } else if outcome.exited == true {
            print("\(node) has exited (\(outcome.remaining ?? 0) participants at the last look)")
        } else if outcome.remaining == 0 {
            print("\(node) is empty")
        }
        if wait, outcome.exited != true, let remaining = outcome.remaining, remaining > 0 {
            throw operatorFailure("drain", "\(node) still has \(remaining) participants", OperatorExit.stillBusy)
        }
    }

    /// The node's gRPC address: --grpc, or its registry record.
    private func nodeAddress() async throws -> String {
        if let grpc { return grpc }
        guard let redisAddress = redis ?? Environment.string("REDIS_ADDR") else {
            throw ValidationError("give the node's address with --grpc host:port, or the registry with --redis host:port (or REDIS_ADDR)")
        }
        let nodes = try await registryNodes(redisAddress: redisAddress, command: "drain")
        guard let record = nodes.first(where: { $0.id.rawValue == node }) else {
            let known = nodes.map(\.id.rawValue).joined(separator: ", ")
            throw operatorFailure("drain", "node \(node) is not in the registry (known: \(known.isEmpty ? "none" : known))",
                                  OperatorExit.noSuchNode)
        }
        return record.grpcAddress
    }
}
