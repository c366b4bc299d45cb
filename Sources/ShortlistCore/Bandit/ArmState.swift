import Foundation

/// What the feedback so far says about one arm: how often it was chosen and the rewards it
/// earned (each in [0, 1]; a click is 1, a skip 0).
public struct ArmState: Sendable, Equatable, Codable {
    /// Times the arm was chosen (a request in per-request mode, a slot in per-slot mode).
    public var pulls: Int
    /// The sum of the rewards it earned.
    public var rewards: Double

    /// An arm's state.
    public init(pulls: Int = 0, rewards: Double = 0) {
        self.pulls = pulls
        self.rewards = rewards
    }

    /// Rewards counted as successes, and the rest of the pulls as failures (a reward of 0.3
    /// counts 0.3 and 0.7).
    public var successes: Double { rewards }
    public var failures: Double { max(Double(pulls) - rewards, 0) }

    /// The observed reward rate, or nil before the first pull.
    public var rate: Double? { pulls > 0 ? rewards / Double(pulls) : nil }

    /// The Beta posterior of the reward rate from a Beta(α, β) prior.
    public func posterior(prior: BetaPrior) -> BetaDistribution {
        BetaDistribution(alpha: prior.alpha + successes, beta: prior.beta + failures)
    }
}

/// The Beta prior of every arm's reward rate: α − 1 prior successes, β − 1 prior failures.
public struct BetaPrior: Sendable, Equatable {
    public var alpha: Double
    public var beta: Double

    /// A prior; both parameters must be positive.
    public init(alpha: Double = 1, beta: Double = 1) {
        precondition(alpha > 0 && beta > 0, "Beta parameters must be positive")
        self.alpha = alpha
        self.beta = beta
    }
}
