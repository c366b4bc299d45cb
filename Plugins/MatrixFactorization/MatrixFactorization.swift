public import ShortlistCore

/// Matrix factorisation under two objectives.
///
/// - `explicit`: biased MF, r̂ = μ + b_u + b_i + p_u·q_i, fitted by SGD on squared error with
///   L2 regularisation (Koren, Bell & Volinsky 2009). Also a rating predictor.
/// - `implicit`: confidence-weighted ALS (Hu, Koren & Volinsky 2008), confidence 1 + α·r,
///   each least-squares step solved approximately by a few conjugate-gradient iterations warm
///   started from the previous factors (Takács, Pilászy & Tikk 2011). Users' (and items')
///   solves are independent and split over the cores. A refresh starts from the factors
///   fitted before it and needs fewer sweeps (`warm-epochs`).
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

    /// The parameters under a `matrix-factorization` stage. Each is declared, with its key, range
    /// and documentation, in `declarations`; the property holds its default.
    public struct Params: PluginParameters {
        public var objective = Objective.implicit
        public var factors = 64
        public var epochs: Int?
        public var warmEpochs = 5
        public var learningRate = 0.007
        public var regularization: Double?
        public var alpha = 5.0
        public var confidence = Confidence.binary
        public var minRating = 0.0
        public var cgSteps = 3
        public var initStd: Double?
        public var threads = 0
        public var order = Order.byUser
        public var strata = 1

        public init() {}

        public static var declarations: [ParameterDeclaration<Self>] {
            [
                .init(
                    "objective", \.objective,
                    "fit ratings (explicit) or preferences with confidence (implicit)"),
                .init("factors", \.factors, .between(1, 512), "latent dimensions"),
                .init(
                    "epochs", \.epochs, .between(1, 1000), "SGD passes or ALS sweeps",
                    unset: "20 explicit, 15 implicit"),
                .init(
                    "warm-epochs", \.warmEpochs, .between(1, 1000),
                    "ALS sweeps of a refresh, started from the factors fitted before it "
                        + "(implicit)"),
                .init(
                    "learning-rate", \.learningRate, .positive(atMost: 10),
                    "SGD step size (explicit)"),
                .init(
                    "regularization", \.regularization, .between(0, 10_000),
                    "L2 weight on factors (and biases)", unset: "0.05 explicit, 0.1 implicit"),
                .init(
                    "alpha", \.alpha, .positive(atMost: 10_000),
                    "confidence slope α in 1 + α·r (implicit)"),
                .init(
                    "confidence", \.confidence, "r in the confidence: 1, or the rating (implicit)"),
                .init(
                    "min-rating", \.minRating, .between(-1_000_000, 1_000_000),
                    "interactions rated lower are left out of fitting"),
                .init(
                    "cg-steps", \.cgSteps, .between(1, 100),
                    "conjugate-gradient iterations per least-squares solve (implicit)"),
                .init(
                    "init-std", \.initStd, .between(0, 10),
                    "standard deviation of the initial factors",
                    unset: "0.1 explicit, 0.01 implicit"),
                .init(
                    "threads", \.threads, .between(0, 1024),
                    "threads for the ALS solves and SGD's strata, 0 for one per core (results do "
                        + "not depend on it)",
                    affectsFit: false),
                .init(
                    "order", \.order,
                    "SGD visits each user's ratings together, or a new shuffle each epoch "
                        + "(explicit)"
                ),
                .init(
                    "strata", \.strata, .between(1, 64),
                    "SGD's blocks of users and of items: 1 is one pass on one core; S splits each "
                        + "side in S and updates blocks that share neither side by side, on every "
                        + "core (explicit; results depend on S, not on the threads)"),
            ]
        }
    }

    public static let type = "matrix-factorization"
    public static let summary =
        "Biased MF by SGD (explicit) or confidence-weighted ALS with conjugate gradient (implicit)."
    public static let usesSeed = true
    public static let capabilities: GeneratorCapabilities = [.similarItems, .ratingPrediction]

    let params: Params
    let seed: UInt64

    var epochs: Int { params.epochs ?? (params.objective == .explicit ? 20 : 15) }
    var regularization: Double {
        params.regularization ?? (params.objective == .explicit ? 0.05 : 0.1)
    }
    var initStd: Double { params.initStd ?? (params.objective == .explicit ? 0.1 : 0.01) }

    /// Similar items always; rating prediction with the explicit objective.
    public var capabilities: GeneratorCapabilities {
        params.objective == .explicit ? [.similarItems, .ratingPrediction] : [.similarItems]
    }

    public static func make(_ params: Params, context: BuildContext) throws -> MatrixFactorization {
        MatrixFactorization(params: params, seed: context.seed)
    }

    /// Fits the factors.
    ///
    /// - Complexity: explicit O(epochs · ratings · factors); implicit
    ///   O(epochs · (interactions · factors · cg-steps + (users + items) · factors²)).
    public func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model {
        switch params.objective {
        case .explicit: try fitExplicit(data.dataset, progress: progress)
        case .implicit:
            try fitImplicit(data.dataset, from: data.warmStart, progress: progress)
        }
    }
}
