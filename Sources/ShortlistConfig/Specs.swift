public import ShortlistCore

/// A pipelines file after checking: the dataset to load and every pipeline, plugins built.
public struct PipelinesFile: Sendable {
    /// The path the file was read from.
    public var path: String
    /// The seed every plugin draws its random numbers from (`seed:`, default 42).
    public var seed: UInt64
    /// The database of served requests, feedback and bandit state (`feedback-store:`, default
    /// `.shortlist/feedback.sqlite` beside the file), relative paths resolved.
    public var feedbackStore: String
    /// Where the data is and how to read it.
    public var dataset: DatasetSpec
    /// The pipelines in file order; the first is the default.
    public var pipelines: [PipelineSpec]

    /// The pipeline named `name`, or the first one when `name` is nil.
    public func pipeline(named name: String?) -> PipelineSpec? {
        guard let name else { return pipelines.first }
        return pipelines.first { $0.name == name }
    }
}

/// One named pipeline: candidate stages, filters and a ranker.
public struct PipelineSpec: Sendable {
    /// The pipeline's name.
    public var name: String
    /// How many items a recommendation returns unless the request says otherwise (`n:`, default 10).
    public var resultCount: Int
    /// The candidate stages in order.
    public var generators: [GeneratorStage]
    /// Which items are never recommended.
    public var filters: FilterSpec
    /// The stage that orders the pool.
    public var ranker: RankerStage
    /// Places a problem with one of the pipeline's keys (a key path from the pipeline's
    /// mapping, such as `filters.exclude.2`) in the pipelines file.
    public var locate: @Sendable (ParameterError) -> ConfigurationError
}

/// A candidate stage: a named generator and how many items it may nominate.
public struct GeneratorStage: Sendable {
    /// The stage's name, unique in its pipeline.
    public var name: String
    /// The most items it nominates per request (`limit:`).
    public var limit: Int
    /// The built plugin.
    public var generator: AnyCandidateGenerator
    /// Places a problem with one of this stage's parameters in the pipelines file.
    public var locate: @Sendable (ParameterError) -> ConfigurationError
}

/// The ranking stage.
public struct RankerStage: Sendable {
    /// The built plugin.
    public var ranker: AnyRanker
    /// Places a problem with one of the ranker's parameters in the pipelines file.
    public var locate: @Sendable (ParameterError) -> ConfigurationError
    /// For a ranker that blends arms, the arms that are rankers of their own, by their
    /// position among the arms (stage arms need no fitting).
    public var armRankers: [Int: RankerStage] = [:]
    /// For a ranker that blends arms, every arm's name in order; empty otherwise.
    public var arms: [String] = []
}

/// The pipeline's `filters:` section, declared like a plugin's parameters.
public struct FilterSpec: PluginParameters, Equatable {
    public var excludeSeen = true
    public var excludedItems: [String] = []
    public var minInteractions = 0

    /// Filters at their defaults: only `exclude-seen`.
    public init() {}

    /// Filters with the given settings.
    public init(excludeSeen: Bool, excludedItems: [String] = [], minInteractions: Int = 0) {
        self.excludeSeen = excludeSeen
        self.excludedItems = excludedItems
        self.minInteractions = minInteractions
    }

    public static var declarations: [ParameterDeclaration<Self>] {
        [
            .init(
                "exclude-seen", \.excludeSeen, "remove the items the user already interacted with"),
            .init("exclude", \.excludedItems, "item ids never recommended"),
            .init(
                "min-interactions", \.minInteractions, .nonNegative,
                "items with fewer interactions are never recommended"),
        ]
    }
}

/// What the numbers in a timestamp column count since 1970-01-01.
public enum TimestampUnit: String, Sendable, CaseIterable, ParameterChoice {
    /// Seconds (MovieLens, most exports).
    case seconds
    /// Milliseconds (JavaScript and many event logs).
    case milliseconds
}

/// How the data is stored on disk.
public enum DatasetFormat: String, Sendable, CaseIterable, ParameterChoice {
    /// RecBole atomic files: `NAME.inter`, `NAME.item`, `NAME.user` with `field:type` headers.
    case recbole
    /// The original GroupLens MovieLens-100K files: `u.data`, `u.item`, `u.user`.
    case grouplens
    /// Delimited text files whose columns are mapped in the pipelines file.
    case delimited
}

/// The pipelines file's `dataset:` section.
public struct DatasetSpec: Sendable, Equatable {
    /// The file layout.
    public var format: DatasetFormat
    /// The data folder (recbole, grouplens), resolved against the pipelines file's folder.
    public var path: String
    /// The stem of RecBole files (`ml-100k` for `ml-100k.inter`); defaults to the folder's name.
    public var name: String?
    /// A dataset `shortlist data fetch` knows, fetched into ``path`` on first use when missing.
    public var fetch: String?
    /// Whether malformed rows are skipped (and counted) rather than stopping the load.
    public var skipMalformed: Bool
    /// What a timestamp counts (`timestamp-unit:`, default seconds since 1970).
    public var timestampUnit: TimestampUnit
    /// Interactions file for the delimited format.
    public var interactions: TableSpec?
    /// Optional item file for the delimited format.
    public var items: TableSpec?
    /// Optional user file for the delimited format.
    public var users: TableSpec?

    /// A dataset section.
    public init(
        format: DatasetFormat, path: String, name: String? = nil, fetch: String? = nil,
        skipMalformed: Bool = false, timestampUnit: TimestampUnit = .seconds,
        interactions: TableSpec? = nil, items: TableSpec? = nil, users: TableSpec? = nil
    ) {
        self.timestampUnit = timestampUnit
        self.format = format
        self.path = path
        self.name = name
        self.fetch = fetch
        self.skipMalformed = skipMalformed
        self.interactions = interactions
        self.items = items
        self.users = users
    }
}

/// One delimited file and which of its header columns hold which field.
public struct TableSpec: Sendable, Equatable {
    /// The file, resolved against the pipelines file's folder.
    public var file: String
    /// The field separator; by default a tab for `.tsv` and `.tab` files, a comma otherwise.
    public var delimiter: Character
    /// Field role (`user`, `item`, `rating`, `timestamp`, `title`, `year`, `genres`, `age`,
    /// `gender`, `occupation`) → header column name.
    public var columns: [String: String]
    /// The separator between genres inside the genres column (default `|`).
    public var genreSeparator: Character

    /// A table.
    public init(
        file: String, delimiter: Character, columns: [String: String],
        genreSeparator: Character = "|"
    ) {
        self.file = file
        self.delimiter = delimiter
        self.columns = columns
        self.genreSeparator = genreSeparator
    }
}
