/// A plugin built from its parameters, with its concrete type erased: it can fit a model on
/// `Input` or read a stored one.
public struct FittableStage<Input, Model>: Sendable {
    /// The plugin's YAML type.
    public let type: String
    /// What changes the fit (parameters after defaults, the seed where it is used), as
    /// canonical JSON: part of the artifact key.
    public let configuration: String
    /// The model's artifact layout version: part of the artifact key.
    public let formatVersion: Int
    /// What the model can do besides its main job.
    public let capabilities: GeneratorCapabilities
    /// The dataset fields this configuration needs, with the parameter that asks for each.
    public let requiredFields: [FieldRequirement]
    /// The words of the terms its models emit.
    public let vocabulary: Vocabulary
    /// For a learned ranker, how its labelled pools are made; nil otherwise.
    public let twoStage: TwoStageTraining?
    /// For a bandit ranker (a plugin whose model is a ``BanditRankerModel``), its model as a
    /// bandit; nil for every other stage.
    private let banditModel: (@Sendable (Model) -> (any BanditRankerModel)?)?
    private let fitModel: @Sendable (Input, ProgressReporter) throws -> Model
    private let readModel: @Sendable (inout ArtifactReader) throws(ArtifactError) -> Model
    private let writeModel: @Sendable (Model, inout ArtifactWriter) -> Void

    init(
        type: String, configuration: String, formatVersion: Int,
        capabilities: GeneratorCapabilities,
        requiredFields: [FieldRequirement], vocabulary: Vocabulary,
        twoStage: TwoStageTraining? = nil,
        fit: @escaping @Sendable (Input, ProgressReporter) throws -> Model,
        read: @escaping @Sendable (inout ArtifactReader) throws(ArtifactError) -> Model,
        write: @escaping @Sendable (Model, inout ArtifactWriter) -> Void,
        bandit: (@Sendable (Model) -> (any BanditRankerModel)?)? = nil
    ) {
        self.banditModel = bandit
        self.type = type
        self.configuration = configuration
        self.formatVersion = formatVersion
        self.capabilities = capabilities
        self.requiredFields = requiredFields
        self.vocabulary = vocabulary
        self.twoStage = twoStage
        self.fitModel = fit
        self.readModel = read
        self.writeModel = write
    }

    /// Fits a model.
    public func fit(_ data: Input, progress: ProgressReporter) throws -> Model {
        try fitModel(data, progress)
    }

    /// Reads a stored model.
    public func read(_ reader: inout ArtifactReader) throws(ArtifactError) -> Model {
        try readModel(&reader)
    }

    /// Whether the stage is a bandit ranker: its plugin's model is a ``BanditRankerModel``.
    public var isBandit: Bool { banditModel != nil }

    /// A model this stage fitted or read, as a bandit; nil unless ``isBandit``.
    public func bandit(_ model: Model) -> (any BanditRankerModel)? {
        banditModel?(model)
    }

    /// Writes a model this stage fitted or read.
    public func write(_ model: Model, to writer: inout ArtifactWriter) {
        writeModel(model, &writer)
    }
}

/// A candidate generator ready to fit or load.
public typealias AnyCandidateGenerator = FittableStage<TrainingData, any CandidateModel>

/// A ranker ready to fit or load.
public typealias AnyRanker = FittableStage<RankerTrainingData, any RankerModel>
