import ArgumentParser
import BuiltInPlugins
import ShortlistCore
import ShortlistOutput
import ShortlistPipeline

struct Similar: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the items most like one item, per candidate stage that can tell."
    )

    @OptionGroup var file: FileOptions
    @OptionGroup var fit: FitOptions

    @Option(help: "The external id of the item.")
    var item: String

    @Option(help: "Only this candidate stage (default: every stage that can answer).")
    var stage: String?

    @Option(
        name: .short, parsing: .unconditional,
        help: "How many similar items per stage, at most 10000.")
    var n = 10

    @OptionGroup var output: FormatOption

    func validate() throws {
        try checkCount(n, "-n", maximum: Limits.listLength)
        try checkID(item, "--item")
    }

    func run() throws {
        try Terminal.run {
            let pipeline = try prepareSession(file, fit).pipeline
            let lists = try SimilarList.lists(
                pipeline, itemID: item, stage: stage, n: n,
                capableTypes: builtInPlugins.generatorTypes(with: .similarItems))
            let title = pipeline.dataset.item(item).map { pipeline.describe($0).title } ?? item
            switch output.format {
            case .json:
                try Console.line(try json(lists))
            case .table:
                var lines = ["Items like \(item) \"\(title)\""]
                for list in lists {
                    lines.append("")
                    lines.append("\(list.stage) (\(list.type)):")
                    if list.similar.isEmpty {
                        lines.append("  none: the stage cannot place this item (yet)")
                    }
                    for (rank, entry) in list.similar.enumerated() {
                        lines.append(
                            String(format: "%3d  ", rank + 1) + Format.padded(entry.item, 6) + " "
                                + Format.padded(Format.truncated(entry.title, 44), 44) + " "
                                + Format.number(entry.similarity))
                    }
                }
                try Console.line(lines.joined(separator: "\n"))
            }
        }
    }
}
