import ArgumentParser
import BuiltInPlugins
import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistPipeline
import ShortlistStore

struct Items: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "items",
        abstract:
            "Add items to the catalogue, change their fields or retire them, without a refit: "
            + "every later request serves the catalogue as it is.",
        subcommands: [Add.self, Import.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add an item, or set fields of one (those not given keep their values).")

        @Option(name: .customLong("config"), help: "The pipelines file.")
        var path = "pipelines.yaml"

        @Option(help: "The item's id.")
        var item: String

        @Option(help: "Its title (a new item's default: its id).")
        var title: String?

        @Option(help: "Its release year.")
        var year: Int?

        @Option(help: "Its genres, separated by '|' (an empty text for none).")
        var genres: String?

        @Flag(help: "Never recommend it again (until --restore).")
        var retire = false

        @Flag(help: "Recommend a retired item again.")
        var restore = false

        func run() throws {
            try Terminal.run {
                guard !(retire && restore) else {
                    throw ValidationError("--retire and --restore contradict each other")
                }
                let entry = CatalogueEntry(
                    id: item, title: title, year: year,
                    genres: genres.map { $0.split(separator: "|").map(String.init) },
                    retired: retire ? true : restore ? false : nil)
                if let problem = entry.problem() { throw problem }
                let file = try PipelinesFile.load(path: path, registry: builtInPlugins)
                let store = try openFeedbackStore(file.feedbackStore)
                let version = try store.recordItems([entry])
                try Console.line(
                    "recorded item \(item)" + (retire ? " as retired" : "")
                        + " (catalogue version \(version))")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add or change every item of a CSV, TSV or JSON Lines file, all or none: a "
                + "malformed line is named FILE:LINE and nothing of the file is recorded.",
            discussion: """
                CSV and TSV files start with a header naming the columns item and optionally \
                title, year, genres (separated by '|') and retired (true or false), in any \
                order; an empty field keeps what the item had. A JSON Lines file has one object \
                per line with those keys, genres a list of strings.
                """)

        @Option(name: .customLong("config"), help: "The pipelines file.")
        var path = "pipelines.yaml"

        @Argument(help: "The file ('-' for standard input, with --format).")
        var file: String

        @Option(help: "How the file is written (default: from its extension).")
        var format: RecordFormat?

        func run() throws {
            try Terminal.run {
                let format = try recordFormat(of: file, given: format)
                let pipelines = try PipelinesFile.load(path: path, registry: builtInPlugins)
                let store = try openFeedbackStore(pipelines.feedbackStore)
                let reader = try CatalogueFile(path: file, format: format)
                var entries: [CatalogueEntry] = []
                while let entry = try reader.next() { entries.append(entry) }
                let version = try store.recordItems(entries)
                try Console.line(
                    "imported \(entries.count) catalogue entries from \(reader.name) (catalogue "
                        + "version \(version))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the catalogue's entries since the fit, as requests serve them.")

        @Option(name: .customLong("config"), help: "The pipelines file.")
        var path = "pipelines.yaml"

        func run() throws {
            try Terminal.run {
                let workspace = try openWorkspace(path)
                let store = try openFeedbackStore(workspace.file.feedbackStore)
                let catalogue = try store.catalogue()
                guard !catalogue.entries.isEmpty else {
                    try Console.line("the catalogue has no entries in \(store.location)")
                    return
                }
                let fitted = try workspace.loadDataset()
                let (dataset, changed) = fitted.cataloguing(catalogue.entries)
                let rows =
                    [["item", "title", "year", "genres", "status"]]
                    + catalogue.entries.compactMap { entry -> [String]? in
                        guard let item = dataset.item(entry.id) else { return nil }
                        let features = dataset.items[item]
                        let status =
                            entry.retired == true
                            ? "retired"
                            : item >= fitted.itemCount
                                ? "new" : changed.contains(item) ? "changed" : "as fitted"
                        return [
                            entry.id, features.title, features.year.map(String.init) ?? "",
                            features.genres.joined(separator: "|"), status,
                        ]
                    }
                try Console.write(columns(rows))
            }
        }
    }
}

/// Rows as left-aligned columns two spaces apart, one line each.
func columns(_ rows: [[String]]) -> String {
    let widths = (0..<(rows.first?.count ?? 0)).map { column in
        rows.map { $0[column].count }.max() ?? 0
    }
    return rows.map { row in
        zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
    }.joined()
}

/// The pipeline serving the catalogue as `store` has it (``FittedPipeline/servingCatalogue(_:events:policy:)``):
/// new items, changed fields, retired items, and the events a factor model folds new items in
/// from.
func servingStoredCatalogue(
    _ pipeline: FittedPipeline, store: any FeedbackStorage, policy: EventPolicy?
) throws -> FittedPipeline {
    let catalogue = try store.catalogue()
    guard !catalogue.entries.isEmpty else { return pipeline }
    let added = catalogue.entries.map(\.id).filter { pipeline.dataset.item($0) == nil }
    let events = policy == nil || added.isEmpty ? [] : try store.events(items: added)
    return pipeline.servingCatalogue(catalogue.entries, events: events, policy: policy)
}

/// The format `given`, or the one `file`'s extension says.
func recordFormat(of file: String, given: RecordFormat?) throws -> RecordFormat {
    guard let format = given ?? RecordFormat(extensionOf: file) else {
        throw ValidationError(
            "cannot tell the format of '\(file)' from its extension; add --format csv, tsv or "
                + "jsonl")
    }
    return format
}

extension RecordFormat: ExpressibleByArgument {}
