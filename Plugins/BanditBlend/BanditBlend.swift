public import ShortlistCore

/// A bandit over arms — candidate stages in their own order, or rankers of their own — whose
/// policy (Thompson sampling, UCB1 or ε-greedy) learns from feedback which arm to show, per
/// response or per place in it.
public struct BanditBlend: Ranker {
    /// How the bandit picks arms.
    public enum Policy: String, ParameterChoice {
        /// Thompson sampling with Beta(prior-alpha, prior-beta) priors.
        case thompson
        /// UCB1: the largest mean + √(2 ln N / n), untried arms first.
        case ucb1
        /// ε-greedy: a uniform arm with probability ε / (1 + decay · N), else the best mean.
        case epsilonGreedy = "epsilon-greedy"
    }

    /// The parameters under a `bandit` ranker. Each is declared, with its key, range and
    /// documentation, in `declarations`; the property holds its default.
    public struct Params: PluginParameters {
        /// Unset is Thompson sampling; a sticky bandit takes none.
        public var policy: Policy?
        public var mode = BanditMode.perSlot
        public var sticky = false
        public var priorAlpha = 1.0
        public var priorBeta = 1.0
        public var draws = 200
        public var epsilon = 0.1
        public var decay = 0.001

        public init() {}

        public static var declarations: [ParameterDeclaration<Self>] {
            [
                .init(
                    "policy", \.policy,
                    "how an arm is chosen from the feedback so far (unset: thompson; not with "
                        + "sticky)"),
                .init(
                    "mode", \.mode,
                    "one arm per response, or one per place filled with its best item not yet "
                        + "placed"),
                .init(
                    "sticky", \.sticky,
                    "assign each user to one arm by a stable hash of their id (classic A/B)"),
                .init(
                    "prior-alpha", \.priorAlpha, .positive(atMost: 1_000_000),
                    "thompson: the Beta prior's α (1 + prior successes)"),
                .init(
                    "prior-beta", \.priorBeta, .positive(atMost: 1_000_000),
                    "thompson: the Beta prior's β (1 + prior failures)"),
                .init(
                    "draws", \.draws, .between(10, 100_000),
                    "thompson: joint posterior draws that estimate each arm's propensity"),
                .init(
                    "epsilon", \.epsilon, .between(0, 1),
                    "epsilon-greedy: the share of uniform choices before decay"),
                .init(
                    "decay", \.decay, .between(0, 1_000),
                    "epsilon-greedy: ε shrinks as ε / (1 + decay · pulls)"),
            ]
        }
    }

    public static let type = "bandit"
    /// Its score is the place it gives an item in the blended list, read as the arm that
    /// placed the item and where.
    public static var vocabulary: Vocabulary { Vocabulary(scale: .place) }
    public static let summary =
        "Bandit over stages or rankers (Thompson, UCB1, ε-greedy) that learns from feedback."

    let model: Model

    /// The arms come checked from the pipelines file (``BuildContext/arms``).
    public static func make(_ params: Params, context: BuildContext) throws -> BanditBlend {
        guard context.arms.count >= 2 else {
            throw ParameterError(
                keyPath: ["arms"],
                message: "a bandit needs at least two arms, found \(context.arms.count)")
        }
        if params.sticky, let policy = params.policy {
            throw ParameterError(
                keyPath: ["policy"],
                message:
                    "'policy: \(policy.rawValue)' has no effect with 'sticky: true', which assigns "
                    + "each user to one arm by a stable hash of their id whatever the feedback; "
                    + "remove one of them")
        }
        let policy: BanditPolicy =
            switch params.policy ?? .thompson {
            case .thompson:
                .thompson(
                    prior: BetaPrior(alpha: params.priorAlpha, beta: params.priorBeta),
                    draws: params.draws)
            case .ucb1: .ucb1
            case .epsilonGreedy: .epsilonGreedy(epsilon: params.epsilon, decay: params.decay)
            }
        return BanditBlend(
            model: Model(
                arms: context.arms.map(\.name), armSources: context.arms.map(\.source),
                blend: ArmBlend(policy: policy, mode: params.mode, sticky: params.sticky)))
    }

    /// Nothing to learn offline: the arms' states come from feedback at decision time.
    public func fit(_ data: RankerTrainingData, progress: ProgressReporter) throws -> Model {
        model
    }
}
