import ShortlistCore

/// One arm's figures in a report of a bandit pipeline (`shortlist ab report`,
/// `GET /v1/ab/report`).
public struct ArmReport: Encodable, Sendable, Equatable {
    public var arm: String
    public var pulls: Int
    public var rewards: Double
    /// rewards / pulls, nil before the first pull.
    public var rate: Double?
    /// The 95% interval of the Beta(1 + rewards, 1 + failures) posterior.
    public var interval: [Double]
    public var probabilityBest: Double
    /// Self-normalised inverse propensity scoring over the logged impressions.
    public var offPolicy: OffPolicy?

    public struct OffPolicy: Encodable, Sendable, Equatable {
        public var estimate: Double
        public var interval: [Double]
        public var impressions: Int
    }

    /// Every arm the pipeline declares (at its prior until pulled), then any other arm it
    /// logged, with its figures from `store`; throws its ``StoreError``.
    public static func report(
        _ pipeline: String, declared: [String], store: any FeedbackStorage
    ) throws -> [ArmReport] {
        let logged = try store.arms(pipeline: pipeline)
        let names = declared + logged.filter { !declared.contains($0) }
        let states = try store.armStates(pipeline: pipeline, arms: names)
        var random = SeededGenerator(seed: 1)
        let best = BanditPolicy.probabilityBest(
            states, prior: BetaPrior(), draws: 10_000, random: &random)
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let impressions = try store.impressions(pipeline: pipeline).map {
            OffPolicyEstimate.Logged(
                arm: index[$0.arm] ?? -1, propensity: $0.propensity, reward: $0.reward)
        }
        return names.enumerated().map { arm, name in
            let state = states[arm]
            let interval = state.posterior(prior: BetaPrior()).interval()
            return ArmReport(
                arm: name, pulls: state.pulls, rewards: state.rewards, rate: state.rate,
                interval: [interval.lowerBound, interval.upperBound],
                probabilityBest: best[arm],
                offPolicy: OffPolicyEstimate(impressions, arm: arm).map {
                    OffPolicy(
                        estimate: $0.estimate,
                        interval: [$0.interval.lowerBound, $0.interval.upperBound],
                        impressions: $0.support)
                })
        }
    }
}
