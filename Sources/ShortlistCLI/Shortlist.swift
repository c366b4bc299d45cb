import ArgumentParser

@main
struct Shortlist: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shortlist",
        abstract: "Two-stage recommendation pipelines declared in YAML, with explanations.",
        subcommands: [
            Recommend.self, Explain.self, Similar.self, Evaluate.self, Validate.self, Plugins.self,
            DataCommand.self, Feedback.self, ABCommand.self, Simulate.self,
        ]
    )
}

/// Options every command that reads a pipelines file shares.
struct FileOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "The pipelines file.")
    var path = "pipelines.yaml"

    @Option(help: "The pipeline to run (default: the first in the file).")
    var pipeline: String?
}
