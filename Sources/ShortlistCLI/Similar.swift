import ArgumentParser
import BuiltInPlugins
import ShortlistCore
import ShortlistOutput
import ShortlistPipeline

struct Similar: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the items most like one item, per candidate stage that can tell."
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup var file: FileOptions
    @OptionGroup var fit: FitOptions

    @Option(help: "The external id of the item.")
    var item: String

    @Option(help: "Only this candidate stage (default: every stage that can answer).")
    var stage: String?

    @Option(name: .short, help: "How many similar items per stage.")
    var n = 10

    @Option(help: "Output format.")
    var format: OutputFormat = .table

    func validate() throws {
        guard n > 0 else { throw ValidationError("-n must be positive, found \(n)") }
    }

    struct StageList: Encodable {
        struct Entry: Encodable {
            var item: String
            var title: String
            var similarity: Double
        }

        var stage: String
        var type: String
        var similar: [Entry]
    }

    func run() throws {
        try Terminal.run {
            let pipeline = try preparePipeline(file, fit)
            guard let index = pipeline.dataset.item(item) else {
                throw DataError(.unknownID, "unknown item '\(item)': the dataset has no such item")
            }
            let stages = pipeline.stages.filter { stage == nil || $0.name == stage }
            if let stage, stages.isEmpty {
                throw DataError(
                    .badRequest,
                    "pipeline '\(pipeline.name)' has no candidate stage named '\(stage)'; its "
                        + "stages are \(pipeline.stages.map(\.name).joined(separator: ", "))"
                )
            }
            let lists = stages.compactMap { stage -> StageList? in
                guard stage.capabilities.contains(.similarItems),
                    let similar = stage.model.similarItems(to: index, limit: n)
                else { return nil }
                let entries = similar.map {
                    StageList.Entry(
                        item: pipeline.dataset.itemIDs[$0.item],
                        title: pipeline.describe($0.item).title, similarity: $0.score)
                }
                return StageList(stage: stage.name, type: stage.type, similar: entries)
            }
            guard !lists.isEmpty else {
                let which =
                    stages.count == 1
                    ? "stage '\(stages[0].name)' "
                        + "(\(stages[0].type)) of pipeline '\(pipeline.name)' cannot"
                    : "no candidate stage of pipeline '\(pipeline.name)' can"
                let others = pipeline.stages.filter { $0.capabilities.contains(.similarItems) }
                let capable =
                    others.isEmpty
                    ? "(these plugin types can: "
                        + builtInPlugins.generatorTypes(with: .similarItems).joined(
                            separator: ", ") + ")"
                    : "; its stages that can: "
                        + others.map { "\($0.name) (\($0.type))" }.joined(separator: ", ")
                throw DataError(
                    .badRequest,
                    "\(which) list similar items\(others.isEmpty ? " " : "")\(capable)")
            }
            switch format {
            case .json:
                print(try json(lists))
            case .table:
                var lines = ["Items like \(item) \"\(pipeline.describe(index).title)\""]
                for list in lists {
                    lines.append("")
                    lines.append("\(list.stage) (\(list.type)):")
                    for (rank, entry) in list.similar.enumerated() {
                        lines.append(
                            String(format: "%3d  ", rank + 1) + Format.padded(entry.item, 6) + " "
                                + Format.padded(Format.truncated(entry.title, 44), 44) + " "
                                + Format.number(entry.similarity))
                    }
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }
}
