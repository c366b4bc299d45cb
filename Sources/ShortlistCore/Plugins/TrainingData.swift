/// What a candidate generator fits on.
public struct TrainingData: Sendable {
    /// The interactions to learn from.
    public var dataset: Dataset

    /// Training data over a dataset.
    public init(dataset: Dataset) { self.dataset = dataset }
}
