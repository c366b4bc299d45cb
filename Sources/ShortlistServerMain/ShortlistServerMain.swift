import ArgumentParser
import Foundation
import Hummingbird
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

    func run() async throws {
        let served: ServedPipelines
        do {
            served = try ServedPipelines.load(path: config) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let app = Application(
            router: Routes.router(served),
            configuration: .init(address: .hostname(host, port: port), serverName: "shortlist"))
        try await app.runService()
    }
}
