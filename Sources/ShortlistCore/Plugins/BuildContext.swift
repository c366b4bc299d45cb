/// What a plugin is told when it is built from the pipeline file.
public struct BuildContext: Sendable {
    /// The stage's name in the pipeline (for rankers, the pipeline's name).
    public var stageName: String
    /// The names of the pipeline's candidate stages, in order.
    public var sourceNames: [String]
    /// The pipeline file's seed, for plugins that draw random numbers.
    public var seed: UInt64
    /// For a ranker that takes arms, its arms in order.
    public var arms: [ArmReference]

    /// A context.
    public init(
        stageName: String, sourceNames: [String], seed: UInt64, arms: [ArmReference] = []
    ) {
        self.stageName = stageName
        self.sourceNames = sourceNames
        self.seed = seed
        self.arms = arms
    }
}

/// One arm of a ranker that blends arms: a candidate stage taken in its own order, or a ranker
/// of its own over the same pool.
public struct ArmReference: Sendable, Equatable {
    /// The arm's name (a stage's name for a stage).
    public var name: String
    /// The candidate stage's position in the pipeline, or nil for a ranker arm.
    public var source: Int?

    public init(name: String, source: Int?) {
        self.name = name
        self.source = source
    }
}
