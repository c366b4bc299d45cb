// swift-tools-version:6.0
import PackageDescription

/// swift-openapi-generator as a tool that Server/generate runs: a package of its own, so that
/// neither `shortlist` nor the server builds it.
let package = Package(
    name: "ShortlistGenerator",
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator", exact: "1.14.3")
    ],
    targets: []
)
