import ArgumentParser

@main
struct EdgeMesh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edgemesh",
        abstract: "EdgeMesh: an edge-mesh SFU network for WebRTC conferencing.",
        subcommands: [
            SFUCommand.self, BackendCommand.self, DevCommand.self, TokenCommand.self, MeshCommand.self, NodesCommand.self,
            DrainCommand.self, SDPCommand.self, LoadTestCommand.self,
        ]
    )
}
