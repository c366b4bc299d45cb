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
