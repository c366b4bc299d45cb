import Foundation

/// How a bandit picks an arm from the arms' states.
///
/// Every policy first gives each arm the probability with which it will be chosen (its
/// propensity), then draws the arm from those probabilities: the logged propensity is exactly
/// the probability of what happened, so logs can be replayed offline (``OffPolicyEstimate``).
public enum BanditPolicy: Sendable, Equatable {
    /// Thompson sampling with Beta posteriors: an arm's propensity is the probability that its
    /// posterior draw is the largest, estimated from `draws` seeded joint draws.
    case thompson(prior: BetaPrior, draws: Int)
    /// UCB1 (Auer et al. 2002): the largest mean + √(2 ln N / n), untried arms first; ties
    /// share the probability.
    case ucb1
    /// ε-greedy with decay: with probability ε / (1 + decay · N) a uniform arm, otherwise the
    /// best mean (untried arms first; ties share).
    case epsilonGreedy(epsilon: Double, decay: Double)

    /// An arm chosen, with every arm's probability of having been chosen.
    public struct Decision: Sendable, Equatable {
        /// The chosen arm's index.
        public var arm: Int
        /// Each arm's probability of being chosen; they sum to 1.
        public var propensities: [Double]
    }

    /// Each arm's probability of being chosen now.
    ///
    /// - Complexity: O(draws · arms) for Thompson sampling, O(arms) otherwise.
    public func propensities(_ arms: [ArmState], random: inout SeededGenerator) -> [Double] {
        precondition(!arms.isEmpty, "a bandit needs an arm")
        switch self {
        case .thompson(let prior, let draws):
            return Self.probabilityBest(arms, prior: prior, draws: draws, random: &random)
        case .ucb1:
            let total = arms.reduce(0) { $0 + $1.pulls }
            let values = arms.map { arm -> Double in
                guard let rate = arm.rate else { return .infinity }
                return rate
                    + (2 * Foundation.log(Double(max(total, 1))) / Double(arm.pulls))
                    .squareRoot()
            }
            return Self.shareAmongBest(values)
        case .epsilonGreedy(let epsilon, let decay):
            let total = arms.reduce(0) { $0 + $1.pulls }
            let explore = min(1, epsilon / (1 + decay * Double(total)))
            let greedy = Self.shareAmongBest(arms.map { $0.rate ?? .infinity })
            return greedy.map { explore / Double(arms.count) + (1 - explore) * $0 }
        }
    }

    /// Each arm's UCB1 value, mean + √(2 ln N / n), infinite before its first pull.
    public static func upperConfidenceBounds(_ arms: [ArmState]) -> [Double] {
        let total = Double(max(arms.reduce(0) { $0 + $1.pulls }, 1))
        return arms.map { arm in
            arm.rate.map { $0 + (2 * Foundation.log(total) / Double(arm.pulls)).squareRoot() }
                ?? .infinity
        }
    }

    /// Draws an arm from the propensities.
    public func decide(_ arms: [ArmState], random: inout SeededGenerator) -> Decision {
        let propensities = propensities(arms, random: &random)
        return Decision(arm: Self.draw(propensities, random: &random), propensities: propensities)
    }

    /// An index drawn with the given probabilities.
    public static func draw(_ probabilities: [Double], random: inout SeededGenerator) -> Int {
        let total = probabilities.reduce(0, +)
        var target = Double.random(in: 0..<1, using: &random) * total
        for (index, probability) in probabilities.enumerated() where probability > 0 {
            target -= probability
            if target < 0 { return index }
        }
        return probabilities.lastIndex { $0 > 0 } ?? 0
    }

    /// The probability that each arm's posterior draw is the largest, from `draws` seeded
    /// joint draws (ties go to the lower index); empty without arms.
    public static func probabilityBest(
        _ arms: [ArmState], prior: BetaPrior, draws: Int, random: inout SeededGenerator
    ) -> [Double] {
        guard !arms.isEmpty else { return [] }
        var samplers = arms.map { BetaSampler($0.posterior(prior: prior)) }
        var wins = [Double](repeating: 0, count: arms.count)
        for _ in 0..<max(draws, 1) {
            var best = 0
            var bestValue = -Double.infinity
            for index in samplers.indices {
                let value = samplers[index].next(using: &random)
                if value > bestValue {
                    (best, bestValue) = (index, value)
                }
            }
            wins[best] += 1
        }
        return wins.map { $0 / Double(max(draws, 1)) }
    }

    /// Probability 1 shared equally by the arms with the largest value.
    private static func shareAmongBest(_ values: [Double]) -> [Double] {
        guard let best = values.max() else { return [] }
        let count = Double(values.filter { $0 == best }.count)
        return values.map { $0 == best ? 1 / count : 0 }
    }
}

/// What an arm would have earned had it served all the traffic, from logged decisions:
/// self-normalised inverse propensity scoring (Swaminathan & Joachims 2015), with a 95%
/// interval by the delta method.
public struct OffPolicyEstimate: Sendable, Equatable {
    /// One logged decision: the arm chosen, its propensity, and the reward it earned.
    public struct Logged: Sendable, Equatable {
        public var arm: Int
        public var propensity: Double
        public var reward: Double

        public init(arm: Int, propensity: Double, reward: Double) {
            self.arm = arm
            self.propensity = propensity
            self.reward = reward
        }
    }

    /// The estimated reward rate.
    public var estimate: Double
    /// Its 95% interval, within [0, 1].
    public var interval: ClosedRange<Double>
    /// The logged decisions that chose the arm.
    public var support: Int

    /// The estimate for `arm`, or nil when no logged decision chose it.
    public init?(_ log: [Logged], arm: Int) {
        var weights = 0.0
        var weighted = 0.0
        var support = 0
        for entry in log where entry.arm == arm && entry.propensity > 0 {
            weights += 1 / entry.propensity
            weighted += entry.reward / entry.propensity
            support += 1
        }
        guard weights > 0 else { return nil }
        let estimate = weighted / weights
        var variance = 0.0
        for entry in log where entry.arm == arm && entry.propensity > 0 {
            let w = 1 / entry.propensity
            variance += w * w * (entry.reward - estimate) * (entry.reward - estimate)
        }
        let spread = 1.96 * (variance / (weights * weights)).squareRoot()
        self.estimate = estimate
        self.interval = max(0, estimate - spread)...min(1, estimate + spread)
        self.support = support
    }
}
