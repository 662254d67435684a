// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "EdgeMesh",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "edgemesh", targets: ["EdgeMeshCLI"]),
        .executable(name: "edgemesh-bench", targets: ["EdgeMeshBench"]),
        .library(name: "RTP", targets: ["RTP"]),  // for benchmarks/ (wire-bench)
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // System libraries (see Sources/C*/shim.h for macro wrappers).
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CHiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CMaxMindDB", pkgConfig: "libmaxminddb", providers: [.apt(["libmaxminddb-dev"])]),

        // Media wire formats: pure Swift, no dependencies (fuzzable with plain swiftc).
        .target(name: "RTP", swiftSettings: strict),
        .target(name: "STUN", swiftSettings: strict),
        .target(name: "SDP", swiftSettings: strict),
        .target(name: "TrunkWire", swiftSettings: strict),

        // Native bridges.
        .target(name: "CUDPBatch"),  // sendmmsg, which Swift's Glibc module does not declare
        .target(name: "DTLS", dependencies: ["COpenSSL"], swiftSettings: strict),
        .target(name: "SRTP", dependencies: ["CSRTP", "COpenSSL", "RTP"], swiftSettings: strict),
        .target(name: "Trunk", dependencies: ["CSodium", "RTP", "TrunkWire"], swiftSettings: strict),
        .target(name: "Coordination", dependencies: ["CHiredis"], swiftSettings: strict),
        .target(name: "GeoRouting", dependencies: ["CMaxMindDB"], swiftSettings: strict),

        // Services.
        .target(name: "Telemetry", swiftSettings: strict),
        .target(name: "SFU", dependencies: ["RTP", "SDP", "Telemetry"], swiftSettings: strict),
        .target(
            name: "ControlProtocol",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "EdgeNode",
            dependencies: [
                "SFU", "STUN", "DTLS", "SRTP", "Trunk", "ControlProtocol", "Coordination", "RTP", "SDP", "Telemetry",
                "CUDPBatch",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ControlPlane",
            dependencies: [
                "ControlProtocol", "GeoRouting", "Coordination", "SDP", "Telemetry",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            resources: [.copy("Resources/web")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "EdgeMeshCLI",
            dependencies: [
                "RTP", "STUN", "SDP", "DTLS", "SRTP", "Trunk", "Coordination", "GeoRouting", "SFU", "Telemetry",
                "EdgeNode", "ControlProtocol", "ControlPlane", "LoadTest", "LoadPeers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
            ],
            swiftSettings: strict
        ),
        // Simulated WebRTC peers for load tests and benchmarks.
        .target(
            name: "LoadPeers",
            dependencies: [
                "STUN", "DTLS", "SRTP", "RTP", "SDP", "ControlProtocol",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // `edgemesh loadtest`: simulated participants over the client protocol (or Janus's HTTP API).
        .target(
            name: "LoadTest",
            dependencies: [
                "LoadPeers", "ControlPlane", "DTLS",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "EdgeMeshBench",
            dependencies: [
                "LoadPeers", "SRTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),

        .testTarget(
            name: "EdgeMeshCLITests",
            dependencies: ["EdgeMeshCLI", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(name: "RTPTests", dependencies: ["RTP"], swiftSettings: strict),
        .testTarget(name: "STUNTests", dependencies: ["STUN"], swiftSettings: strict),
        .testTarget(name: "SDPTests", dependencies: ["SDP"], resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "DTLSTests", dependencies: ["DTLS"], swiftSettings: strict),
        .testTarget(name: "SRTPTests", dependencies: ["SRTP", "DTLS", "RTP"], swiftSettings: strict),
        .testTarget(name: "TrunkTests", dependencies: ["Trunk"], swiftSettings: strict),
        .testTarget(name: "TrunkWireTests", dependencies: ["TrunkWire"], swiftSettings: strict),
        .testTarget(name: "CoordinationTests", dependencies: ["Coordination"], swiftSettings: strict),
        .testTarget(name: "GeoRoutingTests", dependencies: ["GeoRouting"], swiftSettings: strict),
        .testTarget(name: "SFUTests", dependencies: ["SFU", "RTP"], swiftSettings: strict),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry"], swiftSettings: strict),
        .testTarget(name: "ControlPlaneTests", dependencies: ["ControlPlane", "GeoRouting", "Coordination"], swiftSettings: strict),
        .testTarget(name: "LoadTestTests", dependencies: ["LoadTest", "LoadPeers"], swiftSettings: strict),
        .testTarget(
            name: "LoadPeersTests",
            dependencies: [
                "LoadPeers", "EdgeNode", "CUDPBatch", "SFU", "STUN", "SDP", "RTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
