// swift-tools-version:6.1
// Wire-format benchmarks, kept out of the root package so its build and
// tests stay fast. Build and run in release mode:
//   cd benchmarks && swift build -c release && .build/release/wire-bench
import Foundation
import PackageDescription

// A path dependency's identity is its directory name, which differs between
// checkouts (main, a worktree, CI's clone), so compute it.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "EdgeMeshBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        // Interposes malloc/calloc/realloc (and the aligned forms) to count
        // heap allocations made while a benchmark runs.
        .target(name: "CMallocCounter"),
        .executableTarget(
            name: "wire-bench",
            dependencies: [
                .product(name: "RTP", package: rootPackage),
                "CMallocCounter",
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")],
            // Export the executable's malloc so shared libraries (the Swift
            // runtime, libc) bind to it.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
