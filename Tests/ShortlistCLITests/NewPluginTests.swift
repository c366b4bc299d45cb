import Foundation
import ShortlistTestSupport
import Testing

@Suite struct NewPluginTests {
    /// Runs `swift ARGUMENTS` in `folder`, returning its status and everything it printed.
    func swift(_ arguments: [String], in folder: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// A generated generator and ranker, in a package of their own that depends on this one,
    /// build without warnings and pass the tests generated with them.
    @Test func aGeneratedGeneratorAndRankerBuildAndPassTheirTests() throws {
        let root = FileManager.default.currentDirectoryPath
        #expect(FileManager.default.fileExists(atPath: "\(root)/Package.swift"))
        let identity = (root as NSString).lastPathComponent.lowercased()
        let folder = try TemporaryDirectory()
        try folder.write(
            "Package.swift",
            """
            // swift-tools-version:6.0
            import PackageDescription

            let core = Target.Dependency.product(name: "ShortlistCore", package: "\(identity)")
            func shortlist(_ name: String) -> Target.Dependency {
                .product(name: name, package: "\(identity)")
            }
            let package = Package(
                name: "Generated",
                dependencies: [.package(path: "\(root)")],
                targets: [
                    .target(name: "RecentPopularPlugin", dependencies: [core], path: "Plugins/RecentPopular"),
                    .target(name: "SourcePrecisionPlugin", dependencies: [core], path: "Plugins/SourcePrecision"),
                    .testTarget(
                        name: "PluginTests",
                        dependencies: [
                            "RecentPopularPlugin", "SourcePrecisionPlugin",
                            shortlist("ShortlistTestSupport"), shortlist("ShortlistPipeline"),
                            shortlist("ShortlistOutput"), shortlist("BuiltInPlugins"),
                        ],
                        path: "Tests/PluginTests"),
                ])
            """)
        let generator = try shortlist(
            ["new-plugin", "RecentPopular", "--kind", "generator"], in: folder.path)
        #expect(generator.status == 0, "\(generator.stderr)")
        #expect(
            generator.stdout.split(separator: "\n").prefix(3) == [
                "wrote Plugins/RecentPopular/RecentPopular.swift",
                "wrote Plugins/RecentPopular/RecentPopular+Model.swift",
                "wrote Tests/PluginTests/RecentPopularTests.swift",
            ])
        #expect(
            generator.stdout.contains(
                "  Package.swift, in the plugins list at the top:   \"RecentPopular\",\n"
                    + "  Sources/BuiltInPlugins/BuiltInPlugins.swift:     "
                    + ".generator(RecentPopular.self),\n"))
        #expect(generator.stdout.contains("'type: recent-popular' works in pipelines.yaml"))
        let ranker = try shortlist(
            ["new-plugin", "source-precision", "--kind", "ranker"], in: folder.path)
        #expect(ranker.status == 0, "\(ranker.stderr)")
        #expect(ranker.stdout.contains(".ranker(SourcePrecision.self),"))

        let again = try shortlist(
            ["new-plugin", "RecentPopular", "--kind", "ranker"], in: folder.path)
        #expect(again.status == 1)
        #expect(
            again.stderr
                == "error: ./Plugins/RecentPopular: it exists already; choose another name or "
                + "remove it\n")
        let badName = try shortlist(["new-plugin", "9lives", "--kind", "ranker"], in: folder.path)
        #expect(badName.status == 64)
        #expect(badName.stderr.hasPrefix("error: '9lives' is not a plugin name"))

        // Registered beside the built-in plugins, with nothing edited outside its folder, the
        // generated generator explains a recommendation in the plain words it declares.
        try folder.write(
            "Tests/PluginTests/PlainWordsTests.swift",
            #"""
            import BuiltInPlugins
            import RecentPopularPlugin
            import ShortlistCore
            import ShortlistOutput
            import ShortlistPipeline
            import ShortlistTestSupport
            import Testing

            @Suite struct PlainWordsTests {
                @Test func aRecommendationReadsInThePluginsOwnWords() throws {
                    let folder = try TemporaryDirectory()
                    try folder.write(
                        "pipelines.yaml",
                        try folder.writeDelimited(PlantedClusters().dataset) + """

                            pipelines:
                              default:
                                n: 3
                                candidates: [{name: recent, type: recent-popular, days: 100000}]
                                ranker: {type: weighted-average}
                            """)
                    let workspace = try Workspace(
                        path: "\(folder.path)/pipelines.yaml",
                        registry: PluginRegistry(
                            builtInPlugins.entries + [.generator(RecentPopular.self)]))
                    let pipeline = try workspace.prepare(
                        pipeline: nil, dataset: try workspace.loadDataset())
                    let top = try #require(pipeline.recommend(userID: "u5").first)
                    let explanation = try pipeline.explain(
                        userID: "u5", itemID: pipeline.dataset.itemIDs[top.item])
                    let ranked = try #require(explanation.ranked)
                    let why = Words.summary(
                        ranked, views: explanation.stages, query: explanation.trace.query,
                        in: pipeline)
                    #expect(why.hasPrefix("Mostly because it is rated often lately: "), "\(why)")
                    #expect(why.hasSuffix(" ratings in the window."), "\(why)")
                }
            }
            """#)
        let build = try swift(["build", "--build-tests"], in: folder.path)
        #expect(build.status == 0, "\(build.output)")
        let ours = build.output.split(separator: "\n").filter {
            $0.contains("warning:") && $0.contains(folder.path)
        }
        #expect(ours.isEmpty, "\(ours)")
        let test = try swift(["test", "--skip-build"], in: folder.path)
        #expect(test.status == 0, "\(test.output)")
        #expect(test.output.contains("Test run with 5 tests in 3 suites passed"), "\(test.output)")
    }
}
