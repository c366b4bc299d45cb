public import ShortlistCore

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
    /// The steps that reorder the ranker's best items (`rerank:`), or nil.
    public var rerank: RerankSpec?
    /// Places a problem with one of the pipeline's keys (a key path from the pipeline's
    /// mapping, such as `filters.exclude.2`) in the pipelines file.
    public var locate: @Sendable (ParameterError) -> ConfigurationError
    /// The share of a server's responses logged with their shown items, for `ab preview` and
    /// feedback (`exposures:`, default 0; a bandit logs every response).
    public var exposures = 0.0
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

/// A pipeline's `rerank:` section: steps applied in order to the ranker's best items.
public struct RerankSpec: Sendable {
    /// How many of the ranker's best items the steps see (`window:`); 5 × n when nil.
    public var window: Int?
    /// The steps in order.
    public var steps: [RerankStage]
}

/// One re-rank step.
public struct RerankStage: Sendable {
    /// The built plugin.
    public var step: AnyRerankStep
    /// Places a problem with one of the step's parameters in the pipelines file.
    public var locate: @Sendable (ParameterError) -> ConfigurationError
}
