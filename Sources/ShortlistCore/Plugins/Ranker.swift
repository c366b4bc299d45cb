/// A plugin that orders the merged candidate pool: the last stage of a pipeline.
///
/// Its model must pass `checkRanker` in `ShortlistTestSupport`: the output is a permutation
/// of the pool, best first, and each item's contributions add up to its score.
public protocol Ranker: Plugin {
    /// What fitting produces.
    associatedtype Model: RankerModel
    /// How this configuration wants labelled pools made (the two-stage way), or nil when it
    /// learns nothing from them.
    var twoStage: TwoStageTraining? { get }
    /// Whether the ranker blends arms listed under `arms:` (candidate stages, or rankers of
    /// their own that the pipeline fits); the arms reach ``make`` in ``BuildContext/arms``.
    static var takesArms: Bool { get }
    /// Fits a model; rankers without learned weights just capture their parameters.
    func fit(_ data: RankerTrainingData, progress: ProgressReporter) throws -> Model
}

extension Ranker {
    public var twoStage: TwoStageTraining? { nil }
    public static var takesArms: Bool { false }
}
