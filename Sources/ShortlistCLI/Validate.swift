import ArgumentParser
import BuiltInPlugins
import ShortlistConfig
import ShortlistPipeline

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check a pipelines file, and that its dataset has the fields every stage needs; "
            + "exits non-zero and prints the error when it is invalid."
    )

    @Argument(help: "The pipelines file.")
    var path = "pipelines.yaml"

    @Flag(help: "Check the file only, without loading its dataset.")
    var noData = false

    func run() throws {
        try Terminal.run {
            let workspace = try Workspace(
                path: path, registry: builtInPlugins, log: { Terminal.log($0) })
            let file = workspace.file
            var checked = "dataset not loaded"
            if !noData {
                if let missing = workspace.missingDataset {
                    checked = "dataset not checked: \(missing)"
                } else {
                    let dataset = try workspace.loadDataset()
                    for pipeline in file.pipelines {
                        try workspace.checkFields(of: pipeline, against: dataset)
                    }
                    checked = "dataset has the fields every stage needs"
                }
            }
            let names = file.pipelines.map {
                "'\($0.name)' (\($0.generators.count) candidate "
                    + "stage\($0.generators.count == 1 ? "" : "s"))"
            }
            print("\(path): valid; pipelines \(names.joined(separator: ", ")); \(checked)")
        }
    }
}
