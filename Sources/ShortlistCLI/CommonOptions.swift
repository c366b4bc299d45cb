import ArgumentParser

/// Options every command that reads a pipelines file shares.
struct FileOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "The pipelines file.")
    var path = "pipelines.yaml"

    @Option(help: "The pipeline to run (default: the first in the file).")
    var pipeline: String?
}

/// What a command that prints one report prints it as.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// The `--format table|json` option every command that prints one report shares.
struct FormatOption: ParsableArguments {
    @Option(help: "Output format.")
    var format = ReportFormat.table
}

/// The option every command that fits stages shares.
struct FitOptions: ParsableArguments {
    @Flag(help: "Fit every stage again (replacing its stored artifact) instead of loading it.")
    var refit = false
}

/// The cut-off and the relevance threshold of the commands that score lists against what users
/// did later.
struct ScoringOptions: ParsableArguments {
    @Option(
        name: .short, parsing: .unconditional,
        help: "The cut-off K of the top-K metrics, at most 10000.")
    var k = 10

    @Option(
        parsing: .unconditional,
        help: "Ratings at least this are relevant (without ratings, all are).",
        transform: decimalArgument)
    var threshold = 4.0

    func validate() throws {
        try checkCount(k, "-k", maximum: Limits.listLength)
    }
}
