/// A plugin that nominates items: the first stage of a pipeline.
///
/// Its model must pass `checkCandidateGenerator` in `ShortlistTestSupport`: the same seed
/// gives the same output, `limit` is respected, no duplicates and no excluded items.
public protocol CandidateGenerator: Plugin {
    /// What fitting produces.
    associatedtype Model: CandidateModel
    /// What models of this plugin can do besides nominating, in some configuration.
    static var capabilities: GeneratorCapabilities { get }
    /// What this configuration's model can do; `checkCandidateGenerator` checks that the
    /// model answers exactly these extras.
    var capabilities: GeneratorCapabilities { get }
    /// The dataset fields this configuration cannot work without, each with the parameter
    /// that asks for it; checked against the dataset before anything is fitted.
    var requiredFields: [FieldRequirement] { get }
    /// Fits a model to the training data.
    func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model
}

extension CandidateGenerator {
    public static var capabilities: GeneratorCapabilities { [] }
    public var capabilities: GeneratorCapabilities { Self.capabilities }
    public var requiredFields: [FieldRequirement] { [] }
}
