/// What a candidate generator fits on.
public struct TrainingData: Sendable {
    /// The interactions to learn from.
    public var dataset: Dataset
    /// In a refresh, the model the same stage fitted on the data before it, for a plugin that
    /// can start from it; nil for a fit from scratch. A plugin that cannot use it fits as
    /// without it.
    public var warmStart: WarmStart?

    /// Training data over a dataset.
    public init(dataset: Dataset, warmStart: WarmStart? = nil) {
        self.dataset = dataset
        self.warmStart = warmStart
    }
}

/// A model fitted earlier by a stage of the same type and settings, and the data it was fitted
/// on: a refresh starts from it. Its users and items are matched to the new data's by id (the
/// new data may have more of both, and fewer interactions of a user).
public struct WarmStart: Sendable {
    /// The earlier model.
    public var model: any CandidateModel
    /// The data it was fitted on.
    public var dataset: Dataset

    /// A warm start.
    public init(model: any CandidateModel, dataset: Dataset) {
        self.model = model
        self.dataset = dataset
    }
}
