import OpenAPIRuntime
import ShortlistOutput

extension Components.Schemas.Recommendations {
    /// The server's plain answer (``RecommendationOutput`` without explanations or terms), built
    /// field by field: the request path's hot answer skips the JSON round trip that
    /// ``Swift/Decodable/converting(_:)`` makes (a test holds the two equal).
    init(lean output: RecommendationOutput) throws {
        self.init(
            user: .init(
                id: output.user.id, known: output.user.known,
                interactions: output.user.interactions),
            pipeline: output.pipeline, ranker: output.ranker, requestId: output.requestID,
            filters: output.filters?.map { .init(name: $0.name, excludedCount: $0.excludedCount) },
            generators: try output.generators?.map { generator in
                .init(
                    stage: generator.stage, _type: generator.type, limit: generator.limit,
                    nominated: generator.nominated,
                    unavailable: try generator.unavailable.map {
                        .init(code: try .init(unvalidatedValue: $0.code), threshold: $0.threshold)
                    }, seconds: generator.seconds)
            },
            poolSize: output.poolSize,
            bandit: output.bandit.map { bandit in
                .init(
                    policy: bandit.policy,
                    arms: bandit.arms.map {
                        .init(
                            arm: $0.arm, pulls: $0.pulls, successes: $0.successes,
                            failures: $0.failures, posteriorMean: $0.posteriorMean,
                            interval: $0.interval, upperConfidenceBound: $0.upperConfidenceBound)
                    })
            },
            recommendations: output.recommendations.map { item in
                .init(
                    rank: item.rank, item: item.item, title: item.title, score: item.score,
                    placement: item.placement.map { placement in
                        .init(
                            arm: placement.arm, propensity: placement.propensity,
                            contributions: placement.contributions.map { term in
                                .init(
                                    name: term.name, value: term.value,
                                    factors: term.factors.map {
                                        .init(name: $0.name, value: $0.value)
                                    },
                                    source: term.source)
                            })
                    })
            })
    }
}
