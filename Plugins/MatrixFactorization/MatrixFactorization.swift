public import ShortlistCore

/// Matrix factorisation under two objectives.
///
/// - `explicit`: biased MF, r̂ = μ + b_u + b_i + p_u·q_i, fitted by SGD on squared error with
///   L2 regularisation (Koren, Bell & Volinsky 2009). Also a rating predictor.
/// - `implicit`: confidence-weighted ALS (Hu, Koren & Volinsky 2008), confidence 1 + α·r,
///   each least-squares step solved approximately by a few conjugate-gradient iterations warm
///   started from the previous factors (Takács, Pilászy & Tikk 2011). Users' (and items')
///   solves are independent and split over the cores.
public struct MatrixFactorization: CandidateGenerator {
    /// What the factors are fitted to.
    public enum Objective: String, ParameterChoice {
        /// Squared error on the observed ratings.
        case explicit
        /// Confidence-weighted squared error on the full preference matrix.
        case implicit
    }

    /// The order SGD visits the ratings in (explicit objective).
    public enum Order: String, ParameterChoice {
        /// Each user's ratings together, users and ratings in a fixed order every epoch (as Surprise does).
        case byUser = "by-user"
        /// A new seeded shuffle of all ratings every epoch.
        case shuffled
    }

    /// What r is in the implicit confidence 1 + α·r.
    public enum Confidence: String, ParameterChoice {
        /// r = 1 for every interaction.
        case binary
        /// r = the interaction's rating.
        case rating
    }

    /// The parameters under a `matrix-factorization` stage.
    public struct Params: Codable, Sendable {
        /// `objective`: `explicit` or `implicit`. Default `implicit`.
        public var objective: Objective
        /// `factors`: latent dimensions. Default 64.
        public var factors: Int
        /// `epochs`: SGD passes (explicit) or ALS sweeps (implicit). Default 20 / 15.
        public var epochs: Int?
        /// `learning-rate`: SGD step size (explicit). Default 0.007.
        public var learningRate: Double
        /// `regularization`: L2 weight λ. Default 0.05 (explicit) / 0.1 (implicit).
        public var regularization: Double?
        /// `alpha`: confidence slope α in 1 + α·r (implicit). Default 5.
        public var alpha: Double
        /// `confidence`: what r is (implicit). Default `binary`.
        public var confidence: Confidence
        /// `min-rating`: interactions rated lower are left out of fitting. Default 0 (none).
        public var minRating: Double
        /// `cg-steps`: conjugate-gradient iterations per solve (implicit). Default 3.
        public var cgSteps: Int
        /// `init-std`: standard deviation of the initial factors. Default 0.1 (explicit) / 0.01 (implicit).
        public var initStd: Double?
        /// `threads`: cores for the ALS solves; 0 means all. Default 0.
        public var threads: Int
        /// `order`: the order SGD visits ratings in (explicit). Default `by-user`.
        public var order: Order

        enum CodingKeys: String, CodingKey {
            case objective, factors, epochs, alpha, confidence, threads, order
            case learningRate = "learning-rate"
            case regularization
            case minRating = "min-rating"
            case cgSteps = "cg-steps"
            case initStd = "init-std"
        }

        /// Decodes the parameters; every key is optional.
        public init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: CodingKeys.self)
            objective = try keys.decodeIfPresent(Objective.self, forKey: .objective) ?? .implicit
            factors = try keys.decodeIfPresent(Int.self, forKey: .factors) ?? 64
            epochs = try keys.decodeIfPresent(Int.self, forKey: .epochs)
            learningRate = try keys.decodeIfPresent(Double.self, forKey: .learningRate) ?? 0.007
            regularization = try keys.decodeIfPresent(Double.self, forKey: .regularization)
            alpha = try keys.decodeIfPresent(Double.self, forKey: .alpha) ?? 5
            confidence = try keys.decodeIfPresent(Confidence.self, forKey: .confidence) ?? .binary
            minRating = try keys.decodeIfPresent(Double.self, forKey: .minRating) ?? 0
            cgSteps = try keys.decodeIfPresent(Int.self, forKey: .cgSteps) ?? 3
            initStd = try keys.decodeIfPresent(Double.self, forKey: .initStd)
            threads = try keys.decodeIfPresent(Int.self, forKey: .threads) ?? 0
            order = try keys.decodeIfPresent(Order.self, forKey: .order) ?? .byUser
        }
    }

    public static let type = "matrix-factorization"
    public static let summary = "Biased MF by SGD (explicit) or confidence-weighted ALS with conjugate gradient (implicit)."
    public static let parameters = [
        ParameterDoc("objective", "explicit | implicit", default: "implicit", "fit ratings (explicit) or preferences with confidence (implicit)"),
        ParameterDoc("factors", "integer", default: "64", "latent dimensions"),
        ParameterDoc("epochs", "integer", default: "20 explicit, 15 implicit", "SGD passes or ALS sweeps"),
        ParameterDoc("learning-rate", "number", default: "0.007", "SGD step size (explicit)"),
        ParameterDoc("regularization", "number", default: "0.05 explicit, 0.1 implicit", "L2 weight on factors (and biases)"),
        ParameterDoc("alpha", "number", default: "5", "confidence slope α in 1 + α·r (implicit)"),
        ParameterDoc("confidence", "binary | rating", default: "binary", "r in the confidence: 1, or the rating (implicit)"),
        ParameterDoc("min-rating", "number", default: "0", "interactions rated lower are left out of fitting"),
        ParameterDoc("cg-steps", "integer", default: "3", "conjugate-gradient iterations per least-squares solve (implicit)"),
        ParameterDoc("init-std", "number", default: "0.1 explicit, 0.01 implicit", "standard deviation of the initial factors"),
        ParameterDoc("threads", "integer", default: "0 (all cores)", "cores for the ALS solves (results do not depend on it)"),
        ParameterDoc("order", "by-user | shuffled", default: "by-user", "SGD visits each user's ratings together, or a new shuffle each epoch (explicit)"),
    ]

    let params: Params
    let seed: UInt64

    var epochs: Int { params.epochs ?? (params.objective == .explicit ? 20 : 15) }
    var regularization: Double { params.regularization ?? (params.objective == .explicit ? 0.05 : 0.1) }
    var initStd: Double { params.initStd ?? (params.objective == .explicit ? 0.1 : 0.01) }

    public static func make(_ params: Params, context: BuildContext) throws -> MatrixFactorization {
        let positive: [(String, Double)] = [
            ("factors", Double(params.factors)), ("epochs", Double(params.epochs ?? 1)),
            ("learning-rate", params.learningRate), ("alpha", params.alpha), ("cg-steps", Double(params.cgSteps)),
        ]
        for (key, value) in positive where !(value > 0) {
            throw ParameterError(keyPath: [key], message: "'\(key)' must be positive, found \(format(value))")
        }
        let nonNegative: [(String, Double)] = [
            ("regularization", params.regularization ?? 0), ("init-std", params.initStd ?? 0), ("threads", Double(params.threads)),
        ]
        for (key, value) in nonNegative where !(value >= 0) {
            throw ParameterError(keyPath: [key], message: "'\(key)' must be zero or more, found \(format(value))")
        }
        guard params.factors <= 4096 else {
            throw ParameterError(keyPath: ["factors"], message: "'factors' must be at most 4096, found \(params.factors)")
        }
        return MatrixFactorization(params: params, seed: context.seed)
    }

    /// Fits the factors.
    ///
    /// - Complexity: explicit O(epochs · ratings · factors); implicit
    ///   O(epochs · (interactions · factors · cg-steps + (users + items) · factors²)).
    public func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model {
        switch params.objective {
        case .explicit: fitExplicit(data.dataset, progress: progress)
        case .implicit: fitImplicit(data.dataset, progress: progress)
        }
    }
}

private func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}
