import ArgumentParser
import BuiltInPlugins
import ShortlistConfig

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a pipelines file; exits non-zero and prints the error when it is invalid."
    )

    @Argument(help: "The pipelines file.")
    var path = "pipelines.yaml"

    func run() throws {
        try Terminal.run {
            let file = try PipelinesFile.load(path: path, registry: builtInPlugins)
            let names = file.pipelines.map { "'\($0.name)' (\($0.generators.count) candidate stage\($0.generators.count == 1 ? "" : "s"))" }
            print("\(path): valid; pipelines \(names.joined(separator: ", "))")
        }
    }
}
