import ArgumentParser

/// `edgemesh-bench`: release-build benchmarks of EdgeMesh components.
@main
struct EdgeMeshBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edgemesh-bench",
        abstract: "Benchmarks of a running EdgeMesh SFU with simulated WebRTC peers.",
        subcommands: [FanoutCommand.self, SRTPCommand.self])
}
