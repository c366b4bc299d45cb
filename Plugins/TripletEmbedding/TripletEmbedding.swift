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

    /// The parameters under a `triplet-embedding` stage.
    public struct Params: Codable, Sendable {
        /// `dimensions`: embedding size. Default 64.
        public var dimensions: Int
        /// `loss`: `bpr` or `triplet`. Default `bpr`.
        public var loss: Loss
        /// `margin`: the hinge's margin (triplet). Default 0.5.
        public var margin: Double
        /// `negatives`: `uniform`, `popularity` or `hard`. Default `uniform`.
        public var negatives: Negatives
        /// `hard-candidates`: draws per hard negative. Default 10.
        public var hardCandidates: Int
        /// `optimizer`: `adam` or `adagrad`. Default `adam`.
        public var optimizer: OptimizerKind
        /// `learning-rate`: step size. Default 0.002.
        public var learningRate: Double
        /// `epochs`: passes over the positives. Default 20.
        public var epochs: Int
        /// `regularization`: L2 weight on the embeddings a step touches. Default 0.0001.
        public var regularization: Double
        /// `min-rating`: interactions rated at least this are positives. Default 4.
        public var minRating: Double
        /// `init-std`: standard deviation of the initial embeddings. Default 0.05.
        public var initStd: Double

        enum CodingKeys: String, CodingKey {
            case dimensions, loss, margin, negatives, optimizer, epochs, regularization
            case hardCandidates = "hard-candidates"
            case learningRate = "learning-rate"
            case minRating = "min-rating"
            case initStd = "init-std"
        }

        /// Decodes the parameters; every key is optional.
        public init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: CodingKeys.self)
            dimensions = try keys.decodeIfPresent(Int.self, forKey: .dimensions) ?? 64
            loss = try keys.decodeIfPresent(Loss.self, forKey: .loss) ?? .bpr
            margin = try keys.decodeIfPresent(Double.self, forKey: .margin) ?? 0.5
            negatives = try keys.decodeIfPresent(Negatives.self, forKey: .negatives) ?? .uniform
            hardCandidates = try keys.decodeIfPresent(Int.self, forKey: .hardCandidates) ?? 10
            optimizer = try keys.decodeIfPresent(OptimizerKind.self, forKey: .optimizer) ?? .adam
            learningRate = try keys.decodeIfPresent(Double.self, forKey: .learningRate) ?? 0.002
            epochs = try keys.decodeIfPresent(Int.self, forKey: .epochs) ?? 20
            regularization = try keys.decodeIfPresent(Double.self, forKey: .regularization) ?? 0.0001
            minRating = try keys.decodeIfPresent(Double.self, forKey: .minRating) ?? 4
            initStd = try keys.decodeIfPresent(Double.self, forKey: .initStd) ?? 0.05
        }
    }

    public static let type = "triplet-embedding"
    public static let summary = "Siamese user and item towers (ids + features) trained on (user, positive, negative) triplets."
    public static let parameters = [
        ParameterDoc("dimensions", "integer", default: "64", "embedding size of both towers"),
        ParameterDoc("loss", "bpr | triplet", default: "bpr", "−ln σ(s⁺ − s⁻), or the hinge max(0, margin − s⁺ + s⁻)"),
        ParameterDoc("margin", "number", default: "0.5", "the hinge's margin (triplet loss)"),
        ParameterDoc("negatives", "uniform | popularity | hard", default: "uniform", "how negatives are drawn (popularity: ∝ count^0.75)"),
        ParameterDoc("hard-candidates", "integer", default: "10", "uniform draws per hard negative; the best-scoring non-positive wins"),
        ParameterDoc("optimizer", "adam | adagrad", default: "adam", "per-row optimiser"),
        ParameterDoc("learning-rate", "number", default: "0.002", "step size"),
        ParameterDoc("epochs", "integer", default: "20", "passes over the positives"),
        ParameterDoc("regularization", "number", default: "0.0001", "L2 weight on the embeddings each step touches"),
        ParameterDoc("min-rating", "number", default: "4", "interactions rated at least this are positives (all are without ratings)"),
        ParameterDoc("init-std", "number", default: "0.05", "standard deviation of the initial embeddings"),
    ]

    let params: Params
    let seed: UInt64

    public static func make(_ params: Params, context: BuildContext) throws -> TripletEmbedding {
        let positive: [(String, Double)] = [
            ("dimensions", Double(params.dimensions)), ("learning-rate", params.learningRate), ("epochs", Double(params.epochs)),
            ("hard-candidates", Double(params.hardCandidates)), ("margin", params.margin), ("init-std", params.initStd),
        ]
        for (key, value) in positive where !(value > 0) {
            throw ParameterError(keyPath: [key], message: "'\(key)' must be positive, found \(value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value))")
        }
        guard params.dimensions <= 4096 else {
            throw ParameterError(keyPath: ["dimensions"], message: "'dimensions' must be at most 4096, found \(params.dimensions)")
        }
        guard params.regularization >= 0 else {
            throw ParameterError(keyPath: ["regularization"], message: "'regularization' must be zero or more, found \(params.regularization)")
        }
        return TripletEmbedding(params: params, seed: context.seed)
    }

    public func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model {
        var trainer = Trainer(params: params, dataset: data.dataset, seed: seed)
        for epoch in 0 ..< params.epochs {
            let loss = trainer.epoch()
            progress.report("epoch, mean loss \(String(format: "%.4f", loss))", done: epoch + 1, total: params.epochs)
        }
        return trainer.model()
    }
}
