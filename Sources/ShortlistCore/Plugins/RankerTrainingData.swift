/// What a ranker fits on.
public struct RankerTrainingData: Sendable {
    /// The interactions to learn from.
    public var dataset: Dataset
    /// The candidate stage names whose scores the ranker combines, in order.
    public var sources: [String]
    /// The labelled pools of two-stage training; empty for a ranker that asks for none
    /// (``Ranker/twoStage`` nil).
    public var pools: [LabelledPool]
    /// The interactions the generators behind ``pools`` were fitted on (``dataset`` without
    /// each user's held-out part); ``dataset`` when there are no pools.
    public var poolDataset: Dataset
    /// Receives lines worth keeping in the fit's log, such as a validation loss per epoch.
    public var log: @Sendable (String) -> Void

    /// Ranker training data.
    public init(
        dataset: Dataset, sources: [String], pools: [LabelledPool] = [],
        poolDataset: Dataset? = nil, log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.dataset = dataset
        self.sources = sources
        self.pools = pools
        self.poolDataset = poolDataset ?? dataset
        self.log = log
    }
}
