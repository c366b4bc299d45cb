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
