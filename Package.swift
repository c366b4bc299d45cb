// swift-tools-version:6.0
import PackageDescription

/// Each plugin is an ordinary target under `Plugins/<Name>/` that depends on `ShortlistCore` only.
let plugins = [
    "WeightedRating", "WeightedAverage", "MatrixFactorization", "ContentTFIDF", "TripletEmbedding",
    "WideAndDeep", "BanditBlend", "MaximalMarginalRelevance", "DiversityCap",
    "BusinessRules", "Exploration",
]

/// Release builds target AVX2 + FMA on x86-64: the default target has neither, and turns every
/// SIMD multiply-add into a library call. Haswell is the portable middle.
#if arch(x86_64)
    let numeric: [SwiftSetting] = [
        .unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))
    ]
#else
    let numeric: [SwiftSetting] = []
#endif

let package = Package(
    name: "Shortlist",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "shortlist", targets: ["ShortlistCLI"]),
        .executable(name: "shortlist-latency", targets: ["ShortlistLatency"]),
        .executable(name: "shortlist-scale", targets: ["ShortlistScale"]),
        // What a plugin or the server (Server/, a package of its own so that this one never
        // resolves or builds the HTTP stack) builds on, and checks itself with.
        .library(name: "ShortlistCore", targets: ["ShortlistCore"]),
        .library(name: "ShortlistData", targets: ["ShortlistData"]),
        .library(name: "ShortlistConfig", targets: ["ShortlistConfig"]),
        .library(name: "ShortlistPipeline", targets: ["ShortlistPipeline"]),
        .library(name: "ShortlistStore", targets: ["ShortlistStore"]),
        .library(name: "ShortlistOutput", targets: ["ShortlistOutput"]),
        .library(name: "BuiltInPlugins", targets: ["BuiltInPlugins"]),
        .library(name: "ShortlistTestSupport", targets: ["ShortlistTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            path: "Sources/CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "ShortlistCore", swiftSettings: numeric),
        // Data on disk: the loaders, the dataset cache, the fetcher and the files they read.
        .target(name: "ShortlistData", dependencies: ["ShortlistCore"]),
        .target(
            name: "ShortlistConfig", dependencies: ["ShortlistCore", "ShortlistData", "CYAML"]),
        .target(
            name: "ShortlistPipeline",
            dependencies: ["ShortlistCore", "ShortlistData", "ShortlistConfig"]),
        .target(
            name: "ShortlistStore",
            dependencies: [
                "ShortlistCore", "ShortlistData", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        .target(
            name: "ShortlistOutput",
            dependencies: [
                "ShortlistCore", "ShortlistData", "ShortlistPipeline",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "BuiltInPlugins",
            dependencies: ["ShortlistCore"] + plugins.map { .target(name: "\($0)Plugin") }
        ),
        .target(
            name: "ShortlistTestSupport",
            dependencies: ["ShortlistCore", "ShortlistPipeline", "BuiltInPlugins"]
        ),
        .executableTarget(
            name: "ShortlistCLI",
            dependencies: [
                "ShortlistCore", "ShortlistData", "ShortlistConfig", "ShortlistPipeline",
                "ShortlistStore", "ShortlistOutput", "BuiltInPlugins",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ShortlistCoreTests", dependencies: ["ShortlistCore", "ShortlistTestSupport"]),
        .testTarget(
            name: "ShortlistConfigTests",
            dependencies: ["ShortlistConfig", "ShortlistData", "ShortlistTestSupport"]),
        // The first loader, kept as the oracle of the loader tests and the loader fuzzer.
        .target(
            name: "ReferenceLoader", dependencies: ["ShortlistCore", "ShortlistData"],
            path: "Tests/ReferenceLoader"),
        .testTarget(
            name: "ShortlistPipelineTests",
            dependencies: [
                "ShortlistData", "ShortlistPipeline", "ShortlistOutput", "ShortlistTestSupport",
                "ReferenceLoader",
            ]),
        .testTarget(
            name: "PluginTests",
            dependencies: ["ShortlistTestSupport", "BuiltInPlugins", "ShortlistConfig"]
                + plugins.map { .target(name: "\($0)Plugin") }
        ),
        .testTarget(
            name: "ShortlistCLITests",
            dependencies: [
                "ShortlistCLI", "ShortlistData", "ShortlistStore", "ShortlistTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "ShortlistStoreTests",
            dependencies: ["ShortlistStore", "ShortlistData", "ShortlistTestSupport"]),
        // libFuzzer targets (fuzz/run builds them with -sanitize=fuzzer); without FUZZING each
        // is a reproducer that runs its target on the files it is given.
        .executableTarget(
            name: "ShortlistLatency",
            dependencies: [
                "ShortlistConfig", "ShortlistData", "ShortlistPipeline", "ShortlistStore",
                "BuiltInPlugins",
            ],
            path: "bench/Latency", swiftSettings: numeric),
        .executableTarget(
            name: "ShortlistScale",
            dependencies: ["ShortlistCore", "ShortlistData"],
            path: "bench/Scale", swiftSettings: numeric),
        .target(name: "FuzzSupport", path: "fuzz/FuzzSupport"),
        .executableTarget(
            name: "FuzzConfig", dependencies: ["FuzzSupport", "ShortlistConfig", "BuiltInPlugins"],
            path: "fuzz/FuzzConfig"),
        .executableTarget(
            name: "FuzzLoader",
            dependencies: ["FuzzSupport", "ShortlistData", "ReferenceLoader"],
            path: "fuzz/FuzzLoader"),
        .executableTarget(
            name: "FuzzFeedbackBatch",
            dependencies: ["FuzzSupport", "ShortlistCore", "ShortlistData", "ShortlistStore"],
            path: "fuzz/FuzzFeedbackBatch"),
        .executableTarget(
            name: "FuzzArtifact",
            dependencies: ["FuzzSupport", "ShortlistTestSupport"]
                + plugins.map { .target(name: "\($0)Plugin") },
            path: "fuzz/FuzzArtifact"),
    ]
        + plugins.map { name in
            .target(
                name: "\(name)Plugin", dependencies: ["ShortlistCore"], path: "Plugins/\(name)",
                swiftSettings: numeric)
        }
)
