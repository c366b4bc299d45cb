/// Everything a pipeline file can name with `type:`.
///
/// An implementation must:
/// - declare its YAML ``type`` in kebab-case, fixed forever (never derived from the Swift name);
/// - decode ``Params`` strictly: every key through `decodeIfPresent(...) ?? default`, so the
///   configuration layer can reject unknown keys and `shortlist plugins` can list defaults;
/// - document every key it reads in ``parameters`` (checked by `PluginRegistryTests`);
/// - reject parameters that cannot work in ``make(_:context:)`` with a ``ParameterError``.
public protocol Plugin: Sendable {
    /// The plugin's parameters as written under its stage in the pipeline file.
    associatedtype Params: Codable & Sendable

    /// The name a pipeline file uses in `type:`.
    static var type: String { get }
    /// One line saying what the plugin does.
    static var summary: String { get }
    /// Every parameter key with its type, default and one line of documentation.
    static var parameters: [ParameterDoc] { get }

    /// Builds the plugin from decoded parameters, or throws a ``ParameterError``.
    static func make(_ params: Params, context: BuildContext) throws -> Self
}

/// A plugin that nominates items: the first stage of a pipeline.
///
/// Its model must pass `checkCandidateGenerator` in `ShortlistTestSupport`: the same seed
/// gives the same output, `limit` is respected, no duplicates and no excluded items.
public protocol CandidateGenerator: Plugin {
    /// What fitting produces.
    associatedtype Model: CandidateModel
    /// Fits a model to the training data.
    func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model
}

/// A fitted, immutable candidate generator, safe to share between threads and to store.
public protocol CandidateModel: Sendable, ArtifactCodable {
    /// Up to `limit` items, best first, none of them in `query.excluded`.
    func candidates(for query: Query, limit: Int) -> [Candidate]
    /// Why `item` scores as it does for this query, from the same numbers that score it.
    func explain(item: ItemIndex, for query: Query) -> [Reason]
    /// Why this model can offer nothing for the query (e.g. it needs a history), or nil if it can.
    func unavailableReason(for query: Query) -> String?
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

/// One documented parameter of a plugin, as `shortlist plugins` lists it.
public struct ParameterDoc: Sendable, Equatable {
    /// The YAML key.
    public var key: String
    /// The value's type in users' words, e.g. `integer`, `number`, `min-max | z-score`.
    public var type: String
    /// The default as it would be written in YAML, or `required`.
    public var defaultValue: String
    /// One line of documentation, with the unit where there is one.
    public var summary: String

    /// A parameter's documentation.
    public init(_ key: String, _ type: String, default defaultValue: String, _ summary: String) {
        self.key = key
        self.type = type
        self.defaultValue = defaultValue
        self.summary = summary
    }
}

/// A parameter value that cannot work, found by a plugin while it is built.
///
/// The configuration layer turns `keyPath` into a file, line and column.
public struct ParameterError: Error, Sendable, Equatable {
    /// The keys from the stage's mapping down to the offending value, e.g. `["weights", "popularr"]`.
    public var keyPath: [String]
    /// What is wrong, in users' words.
    public var message: String
    /// Whether the last key itself is wrong (a name), rather than its value.
    public var isAboutKey: Bool

    /// An error at `keyPath`.
    public init(keyPath: [String], message: String, isAboutKey: Bool = false) {
        self.keyPath = keyPath
        self.message = message
        self.isAboutKey = isAboutKey
    }
}

/// A parameter enumeration whose YAML spelling is its raw value.
///
/// The configuration decoder lists the choices when a value is not one of them.
public protocol ParameterChoice: CaseIterable, RawRepresentable, Codable, Sendable where RawValue == String {}
