import ArgumentParser
import ShortlistConfig
import ShortlistPipeline

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check a pipelines file, and that its dataset has the fields every stage needs; "
            + "exits non-zero and prints the error when it is invalid."
    )

    @Argument(help: "The pipelines file (or give it as --config FILE; default: pipelines.yaml).")
    var file: String?

    @Option(help: "The pipelines file.")
    var config: String?

    @Flag(help: "Check the file only, without loading its dataset.")
    var noData = false

    func validate() throws {
        if let file, let config, file != config {
            throw ValidationError(
                "give the pipelines file once, as an argument or as --config, not both")
        }
    }

    func run() throws {
        let path = file ?? config ?? "pipelines.yaml"
        try Terminal.run {
            let workspace = try openWorkspace(path)
            let file = workspace.file
            var checked = "dataset not loaded"
            if !noData {
                if let missing = workspace.missingDataset {
                    checked = "dataset not checked: \(missing)"
                } else {
                    let dataset = try workspace.loadDataset()
                    for pipeline in file.pipelines {
                        try workspace.check(pipeline, against: dataset)
                    }
                    checked =
                        "dataset has the fields every stage needs and the items every filter names"
                }
            }
            let names = file.pipelines.map {
                "'\($0.name)' (\($0.generators.count) candidate "
                    + "stage\($0.generators.count == 1 ? "" : "s"))"
            }
            try Console.line(
                "\(path): valid; pipelines \(names.joined(separator: ", ")); \(checked)")
        }
    }
}
