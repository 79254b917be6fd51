// swift-tools-version:6.2
import PackageDescription

// Module boundaries are the architecture (see ARCHITECTURE.md):
//   LogstagCore   <- LogstagStorage <- LogstagServer
//   LogstagCore   <- LogstagAgent
//   LogstagCore   <- LogstagSetup
//   logstag (executable) -> everything
// LogstagCore does no I/O; LogstagAgent cannot import server or storage code.

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "logstag",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "logstag", targets: ["logstag"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // MARK: - Executable: argument parsing only, one file per mode.
        .executableTarget(
            name: "logstag",
            dependencies: [
                "LogstagCore", "LogstagStorage", "LogstagServer", "LogstagAgent", "LogstagSetup",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Shared vocabulary, no I/O.
        .target(name: "LogstagCore", swiftSettings: swiftSettings),

        // MARK: - Embedded Resources/ (generated at build time by the EmbedResources plugin).
        .target(
            name: "LogstagResources",
            swiftSettings: swiftSettings,
            plugins: ["EmbedResources"]
        ),
        .executableTarget(name: "EmbedResourcesTool", swiftSettings: swiftSettings),
        .plugin(name: "EmbedResources", capability: .buildTool(), dependencies: ["EmbedResourcesTool"]),

        // MARK: - Server-side storage (SQLite through GRDB).
        .target(
            name: "LogstagStorage",
            dependencies: [
                "LogstagCore", "LogstagResources",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - HTTP API, web UI, scheduler.
        .target(
            name: "LogstagServer",
            dependencies: [
                "LogstagCore", "LogstagStorage", "LogstagResources", "COpenSSL", "CArgon2", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Agent and setup (client side: no server or storage imports).
        .target(
            name: "LogstagAgent",
            dependencies: [
                "LogstagCore", "LogstagResources", "COpenSSL", "CZlib", "CLibPQ", "CHiredis", "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "LogstagSetup", dependencies: ["LogstagCore", "LogstagAgent"], swiftSettings: swiftSettings),
        // On-demand benchmarks (bench/health.sh, bench/explorers.sh) and what they share.
        .target(name: "LogstagBenchSupport", dependencies: ["LogstagCore"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "LogstagHealthBench",
            dependencies: ["LogstagBenchSupport", "LogstagServer", "LogstagStorage", "LogstagCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "LogstagExplorerBench",
            dependencies: ["LogstagBenchSupport", "LogstagStorage", "LogstagResources", "LogstagCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings),

        // MARK: - System libraries, one shim each.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // MARK: - Tests, one target per module.
        .testTarget(
            name: "LogstagAgentTests",
            dependencies: ["LogstagAgent", "LogstagCore", "LogstagResources", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LogstagSetupTests",
            dependencies: ["LogstagSetup", "LogstagAgent", "LogstagCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LogstagCoreTests", dependencies: ["LogstagCore", "LogstagResources"], exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LogstagStorageTests",
            dependencies: ["LogstagStorage", "LogstagCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LogstagServerTests",
            dependencies: [
                "LogstagServer", "LogstagStorage", "LogstagCore", "LogstagResources",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
