import Foundation
public import ShortlistCore

/// Two towers trained on (user, positive item, negative item) triplets; candidates are the
/// items whose tower output has the largest dot product with the user's.
///
/// The item tower is the item's id embedding plus the mean of its genre embeddings plus its
/// decade embedding; the positive and the negative pass through the same tower (shared
/// weights), so an item nobody rated still gets a usable vector from its features. The user
/// tower is the user's id embedding plus the mean id embedding of the items they liked plus
/// age-bucket, gender and occupation embeddings. The loss is BPR, −ln σ(s⁺ − s⁻) (Rendle et al.
/// 2009), or the triplet hinge max(0, margin − s⁺ + s⁻) (Schroff et al. 2015, on dot products).
public struct TripletEmbedding: CandidateGenerator {
    /// The pairwise loss.
    public enum Loss: String, ParameterChoice {
        /// −ln σ(s⁺ − s⁻).
        case bpr
        /// max(0, margin − s⁺ + s⁻).
        case triplet
    }

    /// How negatives are drawn.
    public enum Negatives: String, ParameterChoice {
        /// Uniformly over the catalogue.
        case uniform
        /// Proportionally to interactions^0.75.
        case popularity
        /// The highest-scoring non-positive of `hard-candidates` uniform draws.
        case hard
    }

    /// The parameters under a `triplet-embedding` stage. Each is declared, with its key, range
    /// and documentation, in `declarations`; the property holds its default.
    public struct Params: PluginParameters {
        public var dimensions = 64
        public var loss = Loss.bpr
        public var margin = 0.5
        public var negatives = Negatives.uniform
        public var hardCandidates = 10
        public var optimizer = OptimizerKind.adam
        public var learningRate = 0.002
        public var epochs = 20
        public var regularization = 0.0001
        public var minRating = 4.0
        public var initStd = 0.05

        public init() {}

        public static var declarations: [ParameterDeclaration<Self>] {
            [
                .init(
                    "dimensions", \.dimensions, .between(1, 512), "embedding size of both towers"),
                .init("loss", \.loss, "−ln σ(s⁺ − s⁻), or the hinge max(0, margin − s⁺ + s⁻)"),
                .init(
                    "margin", \.margin, .positive(atMost: 1000), "the hinge's margin (triplet loss)"
                ),
                .init(
                    "negatives", \.negatives, "how negatives are drawn (popularity: ∝ count^0.75)"),
                .init(
                    "hard-candidates", \.hardCandidates, .between(1, 1000),
                    "uniform draws per hard negative; the best-scoring non-positive wins"),
                .init("optimizer", \.optimizer, "per-row optimiser"),
                .init("learning-rate", \.learningRate, .positive(atMost: 10), "step size"),
                .init("epochs", \.epochs, .between(1, 1000), "passes over the positives"),
                .init(
                    "regularization", \.regularization, .between(0, 1000),
                    "L2 weight on the embeddings each step touches"),
                .init(
                    "min-rating", \.minRating, .between(-1_000_000, 1_000_000),
                    "interactions rated at least this are positives (all are without ratings)"),
                .init(
                    "init-std", \.initStd, .positive(atMost: 10),
                    "standard deviation of the initial embeddings"
                ),
            ]
        }
    }

    public static let type = "triplet-embedding"
    public static let summary =
        "Siamese user and item towers (ids + features) trained on (user, positive, negative) "
        + "triplets."
    public static let usesSeed = true
    public static let capabilities: GeneratorCapabilities = [.similarItems]

    let params: Params
    let seed: UInt64

    public static func make(_ params: Params, context: BuildContext) throws -> TripletEmbedding {
        TripletEmbedding(params: params, seed: context.seed)
    }

    public func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model {
        var trainer = Trainer(params: params, dataset: data.dataset, seed: seed)
        var clock = StepClock()
        for epoch in 0..<params.epochs {
            let loss = trainer.epoch()
            guard loss.isFinite, trainer.tables.allSatisfy({ $0.values.allSatisfy(\.isFinite) })
            else {
                throw ParameterError(
                    keyPath: ["learning-rate"],
                    message: "triplet training diverged in epoch \(epoch + 1): the loss is no "
                        + "longer "
                        + "finite; lower 'learning-rate' (it is "
                        + "\(plainNumber(params.learningRate)))")
            }
            progress.report(
                "epoch, mean loss \(String(format: "%.4f", loss)), "
                    + "\(clock.rate(trainer.lastTriplets)) triplets", done: epoch + 1,
                total: params.epochs)
        }
        return trainer.model()
    }
}
