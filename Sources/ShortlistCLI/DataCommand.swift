import ArgumentParser
import ShortlistPipeline

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Manage datasets.", subcommands: [Fetch.self]
    )

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Fetch a public dataset (movielens-100k) into a data folder; does nothing if "
                + "it is there."
        )

        @Argument(help: "The dataset: movielens-100k.")
        var name: String

        @Option(help: "The folder to fetch into.")
        var into = "data/ml-100k"

        func run() throws {
            try Terminal.run {
                let fetched = try DatasetFetcher.fetch(
                    name, into: into, progress: Terminal.progress("fetching \(name)"))
                Terminal.log(
                    fetched ? "fetched \(name) into \(into)" : "\(name) is already in \(into)")
            }
        }
    }
}
