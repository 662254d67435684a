import ArgumentParser
import EdgeNode
import Foundation
import Logging
import NIOPosix

/// `edgemesh dev`: the embedded default. Today it runs one SFU node per
/// region file of `REGIONS_DIR` in this process, on loopback, each with its
/// gRPC, UDP media and metrics ports printed in the banner.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run the embedded development stack on loopback: one SFU node per region file.")

    @Option(name: .customLong("regions-dir"), help: "Regions catalog directory (REGIONS_DIR, default regions/).")
    var regionsDir: String?
    @Option(name: .customLong("base-port"), help: "First port of the dev nodes (gRPC, metrics and RTC ports count up from it).")
    var basePort: Int = 50051
    @Option(name: .customLong("log-level"), help: "Log level (LOG_LEVEL, default info).") var logLevel: String?

    func run() async throws {
        let directory = regionsDir ?? Environment.string("REGIONS_DIR") ?? "regions"
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") }.sorted()
        } catch {
            throw ValidationError("cannot read regions directory \(directory): \(error.localizedDescription)")
        }
        guard !files.isEmpty else { throw ValidationError("no region files (*.yaml) in \(directory)") }
        let logger = try makeLogger(label: "edgemesh.dev", level: logLevel ?? Environment.string("LOG_LEVEL"))
        var nodes: [NodeConfiguration] = []
        for (index, file) in files.enumerated() {
            var config = NodeConfiguration()
            config.region = String(file.dropLast(5))
            config.nodeID = "\(config.region)-1"
            config.grpcPort = basePort + index * 3
            config.metricsPort = basePort + index * 3 + 1
            config.rtcPort = basePort + index * 3 + 2
            nodes.append(config)
        }
        print("EdgeMesh dev stack (loopback only)")
        for node in nodes {
            print("  sfu \(node.nodeID) region \(node.region): grpc 127.0.0.1:\(node.grpcPort)  "
                + "media udp 127.0.0.1:\(node.rtcPort)  metrics http://127.0.0.1:\(node.metricsPort)/metrics")
        }
        let configurations = nodes
        try await runUntilSignal {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for node in configurations {
                    group.addTask { try await NodeService(configuration: node, logger: logger).run() }
                }
                try await group.waitForAll()
            }
        }
    }
}
