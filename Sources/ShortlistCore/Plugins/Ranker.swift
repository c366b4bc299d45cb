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
