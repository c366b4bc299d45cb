public import ShortlistCore
public import ShortlistData

/// A pipelines file after checking: the dataset to load and every pipeline, plugins built.
public struct PipelinesFile: Sendable {
    /// The path the file was read from.
    public var path: String
    /// The seed every plugin draws its random numbers from (`seed:`, default 42).
    public var seed: UInt64
    /// The database of served requests, feedback and bandit state (`feedback-store:`, default
    /// `.shortlist/feedback.sqlite` beside the file), relative paths resolved.
    public var feedbackStore: FeedbackStoreLocation
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
