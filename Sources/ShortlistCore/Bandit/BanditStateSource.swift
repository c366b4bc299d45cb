/// Where a bandit pipeline reads its arms' states at decision time and logs what it served,
/// so that feedback can find the arm that placed each item.
public protocol BanditStateSource: Sendable {
    /// Each arm's pulls and rewards so far, in the order given.
    func armStates(pipeline: String, arms: [String]) throws -> [ArmState]
    /// Logs a response, counting a pull for the arm of each impression.
    func record(_ request: ServedRequest) throws
}

/// One item a bandit pipeline showed: where, which arm placed it, and the probability with
/// which that arm was chosen for the place (its propensity).
public struct Impression: Sendable, Equatable, Codable {
    public var item: String
    public var position: Int
    public var arm: String
    public var propensity: Double

    public init(item: String, position: Int, arm: String, propensity: Double) {
        self.item = item
        self.position = position
        self.arm = arm
        self.propensity = propensity
    }
}

/// A response a bandit pipeline gave, as it is logged.
public struct ServedRequest: Sendable, Equatable {
    public var id: String
    public var pipeline: String
    public var user: String
    public var impressions: [Impression]
    /// The arms' states the response was decided from, in arm order, so that a replay draws
    /// the same; empty for a response logged before they were kept.
    public var armStates: [ArmState]

    public init(
        id: String, pipeline: String, user: String, impressions: [Impression],
        armStates: [ArmState] = []
    ) {
        self.id = id
        self.pipeline = pipeline
        self.user = user
        self.impressions = impressions
        self.armStates = armStates
    }
}

/// What a bandit decided one request from: the arms, their states at decision time and the
/// policy, under the request's id.
public struct BanditDecision: Sendable {
    public var requestID: String
    public var arms: [String]
    public var states: [ArmState]
    public var policy: BanditPolicy
    /// Whether the response was logged for feedback (false for a dry run).
    public var logged: Bool

    public init(
        requestID: String, arms: [String], states: [ArmState], policy: BanditPolicy, logged: Bool
    ) {
        self.requestID = requestID
        self.arms = arms
        self.states = states
        self.policy = policy
        self.logged = logged
    }

    /// The prior an arm's posterior starts from: the policy's for Thompson sampling, else
    /// uniform.
    public var prior: BetaPrior {
        if case .thompson(let prior, _) = policy { return prior }
        return BetaPrior()
    }

    /// One arm as the decision saw it.
    public struct ArmSummary: Sendable {
        public var arm: String
        public var state: ArmState
        /// The posterior mean of its reward rate and its 95% interval.
        public var posteriorMean: Double
        public var interval: ClosedRange<Double>
        /// UCB1's value under a UCB1 policy (infinite before the first pull), else nil.
        public var upperConfidenceBound: Double?
    }

    /// Every arm's state, posterior mean with its 95% interval, and UCB1 value under UCB1.
    public var summaries: [ArmSummary] {
        let bounds: [Double]? =
            if case .ucb1 = policy { BanditPolicy.upperConfidenceBounds(states) } else { nil }
        return arms.indices.map { index in
            let posterior = states[index].posterior(prior: prior)
            return ArmSummary(
                arm: arms[index], state: states[index], posteriorMean: posterior.mean,
                interval: posterior.interval(), upperConfidenceBound: bounds?[index])
        }
    }
}
