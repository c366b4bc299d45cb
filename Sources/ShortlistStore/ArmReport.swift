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
        let names = self.names(declared: declared, logged: try store.arms(pipeline: pipeline))
        return report(
            names, states: try store.armStates(pipeline: pipeline, arms: names),
            impressions: try store.impressions(pipeline: pipeline))
    }

    /// ``report(_:declared:store:)`` from a store awaited.
    public static func report(
        _ pipeline: String, declared: [String], store: any AsyncFeedbackStorage
    ) async throws(StoreError) -> [ArmReport] {
        let names = self.names(declared: declared, logged: try await store.arms(pipeline: pipeline))
        return report(
            names, states: try await store.armStates(pipeline: pipeline, arms: names),
            impressions: try await store.impressions(pipeline: pipeline))
    }

    /// The arms a report names: the declared ones, then those logged but not declared.
    static func names(declared: [String], logged: [String]) -> [String] {
        declared + logged.filter { !declared.contains($0) }
    }

    /// The figures of the arms `names`, whose states are `states`, from the pipeline's logged
    /// impressions.
    static func report(_ names: [String], states: [ArmState], impressions: [LoggedImpression])
        -> [ArmReport]
    {
        var random = SeededGenerator(seed: 1)
        let best = BanditPolicy.probabilityBest(
            states, prior: BetaPrior(), draws: 10_000, random: &random)
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let logged = impressions.map {
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
                offPolicy: OffPolicyEstimate(logged, arm: arm).map {
                    OffPolicy(
                        estimate: $0.estimate,
                        interval: [$0.interval.lowerBound, $0.interval.upperBound],
                        impressions: $0.support)
                })
        }
    }
}
