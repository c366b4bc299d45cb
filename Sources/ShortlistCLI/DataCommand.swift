import ArgumentParser
import BuiltInPlugins
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistPipeline

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Manage datasets.", subcommands: [Fetch.self]
    )

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Fetch a public dataset (movielens-100k) into a data folder, or the dataset a "
                + "pipelines file names; does nothing if it is there."
        )

        @Argument(help: "The dataset: movielens-100k (default: the one the pipelines file names).")
        var name: String?

        @Option(help: "The folder to fetch a named dataset into (default: data/ml-100k).")
        var into: String?

        @Option(
            help: ArgumentHelp(
                "The pipelines file whose dataset (its 'fetch:' into its 'path:') is fetched "
                    + "(default: pipelines.yaml)."))
        var config: String?

        func validate() throws {
            if name != nil, config != nil {
                throw ValidationError(
                    "give a dataset name or --config FILE, not both: the file names its dataset")
            }
            if name == nil, into != nil {
                throw ValidationError(
                    "--into needs a dataset name; without one the pipelines file's 'path:' is used")
            }
        }

        func run() throws {
            try Terminal.run {
                let (dataset, folder) = try target()
                let fetched = try DatasetFetcher.fetch(
                    dataset, into: folder,
                    progress: Terminal.progress("fetching \(dataset.rawValue)"))
                Terminal.log(
                    fetched
                        ? "fetched \(dataset.rawValue) into \(folder)"
                        : "\(dataset.rawValue) is already in \(folder)")
            }
        }

        /// The dataset to fetch and its folder: the named one, or the pipelines file's.
        private func target() throws -> (name: FetchableDataset, folder: String) {
            if let name {
                guard let dataset = FetchableDataset(rawValue: name) else {
                    let known = FetchableDataset.allCases.map(\.rawValue)
                    throw RequestError(
                        .notFound,
                        suggesting(
                            "unknown dataset '\(excerpt(name))'; known: "
                                + known.joined(separator: ", "), for: name, in: known))
                }
                return (dataset, into ?? "data/\(dataset.stem)")
            }
            let path = config ?? "pipelines.yaml"
            let spec = try PipelinesFile.load(path: path, registry: builtInPlugins).dataset
            guard let fetch = spec.fetch else {
                throw RequestError(
                    "the dataset of \(path) has no 'fetch:', so there is nothing to fetch for it; "
                        + "name a dataset to fetch, such as movielens-100k")
            }
            return (fetch, spec.path)
        }
    }
}
