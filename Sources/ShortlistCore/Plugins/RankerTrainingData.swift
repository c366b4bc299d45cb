/// What a ranker fits on.
public struct RankerTrainingData: Sendable {
    /// The interactions to learn from.
    public var dataset: Dataset
    /// The candidate stage names whose scores the ranker combines, in order.
    public var sources: [String]
    /// The labelled pools of two-stage training; empty for a ranker that asks for none
    /// (``Ranker/twoStage`` nil).
    public var pools: [LabelledPool]

    /// Ranker training data.
    public init(dataset: Dataset, sources: [String], pools: [LabelledPool] = []) {
        self.dataset = dataset
        self.sources = sources
        self.pools = pools
    }
}
