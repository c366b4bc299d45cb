// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The HTTP server, a package of its own: building `shortlist` (the package above) never
/// resolves or builds Hummingbird. A path dependency's identity is its folder's name.
let shortlist = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent.lowercased()

func core(_ name: String) -> Target.Dependency { .product(name: name, package: shortlist) }

let package = Package(
    name: "ShortlistServer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "shortlist-server", targets: ["ShortlistServerMain"])
    ],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(
            url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
    ],
    targets: [
        .target(
            name: "ShortlistPostgres",
            dependencies: [
                core("ShortlistCore"), core("ShortlistData"), core("ShortlistStore"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
        // Its Generated/ folder is what Server/openapi.yaml decides, written by Server/generate
        // and committed: the document, the request and response types and the server protocol.
        .target(
            name: "ShortlistServer",
            dependencies: [
                "ShortlistPostgres",
                core("ShortlistCore"), core("ShortlistData"), core("ShortlistConfig"),
                core("ShortlistPipeline"),
                core("ShortlistStore"), core("ShortlistOutput"), core("BuiltInPlugins"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .executableTarget(
            name: "ShortlistServerMain",
            dependencies: [
                "ShortlistServer", core("ShortlistCore"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .testTarget(
            name: "ShortlistServerTests",
            dependencies: [
                "ShortlistServer", core("ShortlistTestSupport"), core("ShortlistCore"),
                core("ShortlistPipeline"), core("ShortlistOutput"), core("ShortlistStore"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
    ]
)
