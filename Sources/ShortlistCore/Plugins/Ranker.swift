/// A plugin that orders the merged candidate pool: the last stage of a pipeline.
///
/// A ranker whose model is a ``BanditRankerModel`` is a bandit: it blends arms listed under
/// `arms:` (candidate stages, or rankers of their own that the pipeline fits), which reach
/// ``Plugin/make(_:context:)`` in ``BuildContext/arms``. The registry knows it from that
/// conformance alone.
///
/// Its model must pass `checkRanker` in `ShortlistTestSupport`: the output is a permutation
/// of the pool, best first, and each item's contributions add up to its score.
public protocol Ranker: Plugin {
    /// What fitting produces.
    associatedtype Model: RankerModel
    /// How this configuration wants labelled pools made (the two-stage way), or nil when it
    /// learns nothing from them.
    var twoStage: TwoStageTraining? { get }
    /// Fits a model; rankers without learned weights just capture their parameters.
    func fit(_ data: RankerTrainingData, progress: ProgressReporter) throws -> Model
}

extension Ranker {
    public var twoStage: TwoStageTraining? { nil }
}
