import ArgumentParser
import Foundation
import Hummingbird
import Metrics
import Prometheus
import ShortlistServer

/// `shortlist-server`: serves every pipeline of a pipelines file over HTTP and JSON.
@main
struct ShortlistServerMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shortlist-server",
        abstract: "Serve every pipeline of a pipelines file over HTTP and JSON.")

    @Option(help: "The pipelines file.")
    var config = "pipelines.yaml"

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(
        help: ArgumentHelp(
            "Megabytes of answers kept for repeated requests to pipelines without a bandit "
                + "and without a history (0: none); a reload empties them.",
            valueName: "MB"))
    var cacheMB = 64

    func validate() throws {
        guard (0...1_000_000).contains(cacheMB) else {
            throw ValidationError("--cache-mb must be from 0 to 1000000, found \(cacheMB)")
        }
    }

    func run() async throws {
        let holder: PipelineHolder
        do {
            holder = try PipelineHolder(path: config, cacheBytes: cacheMB << 20) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        // SIGTERM and SIGINT shut down gracefully: no new connections, in-flight requests
        // finish, then the watcher stops.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let app = Application(
            router: Routes.router(holder, metrics: registry),
            configuration: .init(address: .hostname(host, port: port), serverName: "shortlist"),
            services: [ReloadService(holder: holder)])
        try await app.runService()
    }
}
