/// Everything a pipeline file can name with `type:`.
///
/// An implementation must:
/// - declare its YAML ``type`` in kebab-case, fixed forever (never derived from the Swift name);
/// - declare every parameter once in ``Params`` (key, default, range, documentation), so the
///   configuration layer can reject unknown keys and `shortlist plugins` can list defaults
///   (checked by `PluginRegistryTests`);
/// - reject combinations of parameters that cannot work in ``make(_:context:)`` with a
///   ``ParameterError``;
/// - set ``usesSeed`` when its fit draws random numbers, so the seed is part of its artifact key.
public protocol Plugin: Sendable {
    /// The plugin's parameters as written under its stage in the pipeline file.
    associatedtype Params: PluginParameters

    /// The name a pipeline file uses in `type:`.
    static var type: String { get }
    /// One line saying what the plugin does.
    static var summary: String { get }
    /// Whether fitting draws from `BuildContext.seed` (then the seed is part of the artifact key).
    static var usesSeed: Bool { get }

    /// Builds the plugin from decoded parameters, or throws a ``ParameterError``.
    static func make(_ params: Params, context: BuildContext) throws -> Self
}

extension Plugin {
    public static var usesSeed: Bool { false }
}

/// A plugin that nominates items: the first stage of a pipeline.
///
/// Its model must pass `checkCandidateGenerator` in `ShortlistTestSupport`: the same seed
/// gives the same output, `limit` is respected, no duplicates and no excluded items.
public protocol CandidateGenerator: Plugin {
    /// What fitting produces.
    associatedtype Model: CandidateModel
    /// What models of this plugin can do besides nominating, in some configuration.
    static var capabilities: GeneratorCapabilities { get }
    /// What this configuration's model can do; `checkCandidateGenerator` checks that the
    /// model answers exactly these extras.
    var capabilities: GeneratorCapabilities { get }
    /// The dataset fields this configuration cannot work without, each with the parameter
    /// that asks for it; checked against the dataset before anything is fitted.
    var requiredFields: [FieldRequirement] { get }
    /// Fits a model to the training data.
    func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model
}

extension CandidateGenerator {
    public static var capabilities: GeneratorCapabilities { [] }
    public var capabilities: GeneratorCapabilities { Self.capabilities }
    public var requiredFields: [FieldRequirement] { [] }
}

/// A fitted, immutable candidate generator, safe to share between threads and to store.
public protocol CandidateModel: Sendable, ArtifactCodable {
    /// Up to `limit` items, best first, none of them in `query.excluded`.
    func candidates(for query: Query, limit: Int) -> [Candidate]
    /// Why `item` scores as it does for this query, from the same numbers that score it: terms
    /// that add up to its score (checked by `checkCandidateGenerator`), or ``Explanation/none``
    /// when the model does not score the item for the query.
    func explain(item: ItemIndex, for query: Query) -> Explanation
    /// Why this model offers nothing for the query (e.g. it needs a history), or nil if it can
    /// offer something before filters.
    func unavailability(for query: Query) -> Unavailability?
    /// The items most like `item` regardless of any user, best first, without `item` itself;
    /// nil unless the generator declares ``GeneratorCapabilities/similarItems``.
    func similarItems(to item: ItemIndex, limit: Int) -> [Candidate]?
    /// The predicted rating of `item` by the query's user, or nil when the model cannot say
    /// (always nil unless the generator declares ``GeneratorCapabilities/ratingPrediction``).
    func predictRating(of item: ItemIndex, for query: Query) -> Double?
}

extension CandidateModel {
    public func similarItems(to item: ItemIndex, limit: Int) -> [Candidate]? { nil }
    public func predictRating(of item: ItemIndex, for query: Query) -> Double? { nil }
}

/// What a candidate generator's model can do besides nominating items.
public struct GeneratorCapabilities: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// It lists the items most like a given item (`shortlist similar`).
    public static let similarItems = GeneratorCapabilities(rawValue: 1)
    /// It predicts explicit ratings (evaluation reports its RMSE and MAE).
    public static let ratingPrediction = GeneratorCapabilities(rawValue: 2)
}

/// A plugin that orders the merged candidate pool: the last stage of a pipeline.
///
/// Its model must pass `checkRanker` in `ShortlistTestSupport`: the output is a permutation
/// of the pool, best first, and each item's contributions add up to its score.
public protocol Ranker: Plugin {
    /// What fitting produces.
    associatedtype Model: RankerModel
    /// Fits a model; rankers without learned weights just capture their parameters.
    func fit(_ data: RankerTrainingData, progress: ProgressReporter) throws -> Model
}

/// A fitted, immutable ranker, safe to share between threads and to store.
public protocol RankerModel: Sendable, ArtifactCodable {
    /// Every pooled item, best first, with a score made of contributions.
    func rank(_ pool: CandidatePool, for query: Query) -> [Ranked]
}

/// What a plugin is told when it is built from the pipeline file.
public struct BuildContext: Sendable {
    /// The stage's name in the pipeline (for rankers, the pipeline's name).
    public var stageName: String
    /// The names of the pipeline's candidate stages, in order.
    public var sourceNames: [String]
    /// The pipeline file's seed, for plugins that draw random numbers.
    public var seed: UInt64

    /// A context.
    public init(stageName: String, sourceNames: [String], seed: UInt64) {
        self.stageName = stageName
        self.sourceNames = sourceNames
        self.seed = seed
    }
}

/// What a candidate generator fits on.
public struct TrainingData: Sendable {
    /// The interactions to learn from.
    public var dataset: Dataset

    /// Training data over a dataset.
    public init(dataset: Dataset) { self.dataset = dataset }
}

/// What a ranker fits on.
public struct RankerTrainingData: Sendable {
    /// The interactions to learn from.
    public var dataset: Dataset
    /// The candidate stage names whose scores the ranker combines, in order.
    public var sources: [String]

    /// Ranker training data.
    public init(dataset: Dataset, sources: [String]) {
        self.dataset = dataset
        self.sources = sources
    }
}

