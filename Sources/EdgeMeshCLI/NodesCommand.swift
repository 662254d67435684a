import ArgumentParser
import ControlPlane
import Coordination
import Foundation

/// `edgemesh nodes`: the node registry as a table, with each node's trunks
/// and their RTT as the node reports them (`GetNodeStats`).
struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes",
        abstract: "List the SFU nodes of the registry: region, addresses, load, lease age, draining, trunks and RTT.",
        discussion: "Exit codes: 0 listed (possibly none), 64 bad usage, 69 Redis unreachable.")

    @Option(help: "Redis host:port of the node registry (REDIS_ADDR).") var redis: String?
    @Flag(help: "Print JSON instead of a table.") var json = false

    /// One trunk as the listing shows it.
    struct TrunkRow: Encodable, Equatable {
        var peer: String
        var peerRegion: String
        var established: Bool
        /// Smoothed RTT in milliseconds; nil before the first pong.
        var rttMilliseconds: Double?
    }

    /// One node as the listing shows it.
    struct NodeRow: Encodable {
        var region: String
        var node: String
        var grpcAddress: String
        var rtcAddress: String
        var trunkAddress: String
        var participants: Int
        var tracks: Int
        var leaseAgeSeconds: Double
        var draining: Bool
        /// Nil when the node's stats could not be read.
        var trunks: [TrunkRow]?
        var statsError: String?
    }

    func run() async throws {
        guard let redisAddress = redis ?? Environment.string("REDIS_ADDR") else {
            throw ValidationError("give the registry with --redis host:port (or REDIS_ADDR)")
        }
        let records = try await registryNodes(redisAddress: redisAddress, command: "nodes")
        let now = Date()
        let rows = try await withSFUClients { pool in
            try await withThrowingTaskGroup(of: NodeRow.self) { group in
                for record in records {
                    group.addTask { await Self.row(record, pool: pool, now: now) }
                }
                var rows: [NodeRow] = []
                for try await row in group { rows.append(row) }
                return rows.sorted { ($0.region, $0.node) < ($1.region, $1.node) }
            }
        }
        if json {
            try printJSON(rows)
        } else if rows.isEmpty {
            print("no nodes in the registry at \(redisAddress)")
        } else {
            print(Self.table(rows))
        }
    }

    static func row(_ record: NodeRecord, pool: SFUClientPool, now: Date) async -> NodeRow {
        var row = NodeRow(
            region: record.region.rawValue, node: record.id.rawValue, grpcAddress: record.grpcAddress,
            rtcAddress: record.rtcAddress, trunkAddress: record.trunkAddress,
            participants: record.load.participants, tracks: record.load.tracks,
            leaseAgeSeconds: max(0, now.timeIntervalSince(record.updatedAt)), draining: record.draining)
        do {
            let stats = try await pool.client(for: record.grpcAddress).nodeStats(timeout: .seconds(2))
            row.draining = row.draining || stats.draining
            row.trunks = stats.trunks.map { trunk in
                TrunkRow(peer: trunk.peerNodeID, peerRegion: trunk.peerRegion, established: trunk.established,
                         rttMilliseconds: trunk.rttSeconds > 0 ? (trunk.rttSeconds * 10_000).rounded() / 10 : nil)
            }
        } catch {
            row.statsError = "\(error)"
        }
        return row
    }

    /// The rows as an aligned text table.
    static func table(_ rows: [NodeRow]) -> String {
        let header = ["REGION", "NODE", "GRPC", "RTC", "LOAD", "LEASE", "DRAINING", "TRUNKS (RTT)"]
        let lines = rows.map { row in
            [row.region, row.node, row.grpcAddress, row.rtcAddress, "\(row.participants)p/\(row.tracks)t",
             String(format: "%.1fs", row.leaseAgeSeconds), row.draining ? "yes" : "no", trunkText(row)]
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max() ?? 0 }
        return ([header] + lines).map { cells in
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func trunkText(_ row: NodeRow) -> String {
        guard let trunks = row.trunks else { return "- (stats unavailable)" }
        guard !trunks.isEmpty else { return "-" }
        return trunks.map { trunk in
            let rtt = trunk.rttMilliseconds.map { String(format: "%.1fms", $0) } ?? (trunk.established ? "?" : "down")
            return "\(trunk.peer) \(rtt)"
        }.joined(separator: ", ")
    }
}
