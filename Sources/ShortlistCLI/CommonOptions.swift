import ArgumentParser
import ShortlistData
import ShortlistPipeline

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

/// What one request may ask for besides its user: field filters and the re-rank trade-off.
struct RequestOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Only items with one of these values of a field, as FIELD=VALUE[,VALUE…] (genre or "
                + "decade, e.g. genre=Comedy or decade=1990s); repeatable, applied before any "
                + "stage nominates.",
            valueName: "field=values"))
    var only: [String] = []

    @Option(
        help: ArgumentHelp(
            "No item with any of these values of a field, as --only takes them; repeatable.",
            valueName: "field=values"))
    var without: [String] = []

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The trade-off λ in [0, 1] of the pipeline's mmr re-rank steps for this request "
                + "(1 keeps the ranker's order)."),
        transform: decimalArgument)
    var lambda: Double?

    func validate() throws {
        if let lambda, !(0...1).contains(lambda) {
            throw ValidationError("--lambda is a trade-off from 0 to 1, found \(lambda)")
        }
        // Malformed filters fail before anything is fitted.
        do {
            _ = try parsed()
        } catch {
            throw ValidationError(error.message)
        }
    }

    private func parsed() throws(DataError) -> [FieldFilter] {
        try only.map { text throws(DataError) in try FieldFilter(parsing: text, keeps: true) }
            + without.map { text throws(DataError) in
                try FieldFilter(parsing: text, keeps: false)
            }
    }

    /// The field filters, checked against the pipeline's catalogue.
    func fields(for pipeline: FittedPipeline) throws -> [FieldFilter] {
        let filters = try parsed()
        for filter in filters { try pipeline.check(filter) }
        return filters
    }
}
