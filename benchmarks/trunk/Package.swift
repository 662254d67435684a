// swift-tools-version:6.1
// Trunk benchmarks: seal+open of 1,200-byte payloads with AES-256-GCM and
// XChaCha20-Poly1305, raw AEAD and through the TrunkPeer state machine.
// The Trunk, TrunkWire and CSodium sources are symlinks into the root
// package (which exports no Trunk product). Build and run in release mode:
//   cd benchmarks/trunk && swift build -c release && .build/release/trunk-bench
import PackageDescription

let package = Package(
    name: "TrunkBenchmarks",
    platforms: [.macOS(.v15)],
    targets: [
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium"),
        .target(name: "TrunkWire"),
        .target(name: "Trunk", dependencies: ["CSodium", "TrunkWire"]),
        .target(name: "CMallocCounter"),
        .executableTarget(
            name: "trunk-bench",
            dependencies: ["Trunk", "CMallocCounter"],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")],
            linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
