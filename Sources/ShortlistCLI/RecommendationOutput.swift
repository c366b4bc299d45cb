import ShortlistCore
import ShortlistPipeline

/// The TSV header; a logged bandit response adds its request id and each item's arm and
/// propensity.
func tsvHeader(logged: Bool) -> String {
    "user\titem\trank\tscore" + (logged ? "\trequest\tarm\tpropensity" : "") + "\n"
}

/// One user's list as TSV rows: external ids, rank from 1, the ranker's score; for a logged
/// bandit response, the request id and each item's arm and propensity.
func tsvRows(
    _ pipeline: FittedPipeline, user: String, items: [Ranked], requestID: String? = nil
) -> String {
    var rows = ""
    for (rank, item) in items.enumerated() {
        rows += "\(user)\t\(pipeline.dataset.itemIDs[item.item])\t\(rank + 1)\t\(item.score)"
        if let requestID {
            rows +=
                "\t\(requestID)\t\(item.placement?.arm ?? "")\t"
                + (item.placement.map { "\($0.propensity)" } ?? "")
        }
        rows += "\n"
    }
    return rows
}

/// One user's list as a JSON line; a logged bandit response adds its request id and each
/// item's arm and propensity.
struct BatchLine: Encodable {
    struct Item: Encodable {
        var item: String
        var rank: Int
        var score: Double
        var arm: String?
        var propensity: Double?
    }

    var user: String
    var requestID: String?
    var recommendations: [Item]

    init(pipeline: FittedPipeline, user: String, items: [Ranked], requestID: String? = nil) {
        self.user = user
        self.requestID = requestID
        recommendations = items.enumerated().map {
            Item(
                item: pipeline.dataset.itemIDs[$1.item], rank: $0 + 1, score: $1.score,
                arm: requestID == nil ? nil : $1.placement?.arm,
                propensity: requestID == nil ? nil : $1.placement?.propensity)
        }
    }
}

/// One user's recommendations with their per-stage account, as JSON.
struct RecommendationOutput: Encodable {
    struct Item: Encodable {
        var rank: Int
        var item: String
        var title: String
        var score: Double
        /// With explanations: why, in one plain sentence.
        var summary: String?
        var stages: [StageOutput]
        var contributions: [Contribution]
        /// For a bandit: the arm that placed the item and its propensity.
        var placement: Placement?
    }

    struct GeneratorSummary: Encodable {
        var stage: String
        var type: String
        var limit: Int
        var nominated: Int
        var unavailable: UnavailableOutput?
        var seconds: Double
    }

    var user: UserOutput
    var pipeline: String
    var filters: [Trace.FilterStep]
    var generators: [GeneratorSummary]
    var poolSize: Int
    var ranker: String
    /// For a bandit: the id its response was logged under (nil for a dry run).
    var requestID: String?
    /// For a bandit: every arm's state at decision time.
    var bandit: BanditOutput?
    var recommendations: [Item]

    init(pipeline: FittedPipeline, user: String, items: [Ranked], trace: Trace, explain: Bool) {
        self.user = UserOutput(id: user, trace.user)
        self.pipeline = pipeline.name
        filters = trace.filters
        generators = trace.generators.map {
            GeneratorSummary(
                stage: $0.name, type: $0.type, limit: $0.limit, nominated: $0.candidates.count,
                unavailable: $0.unavailable.map(UnavailableOutput.init), seconds: $0.seconds
            )
        }
        poolSize = trace.pool.count
        ranker = pipeline.rankerType
        requestID = trace.bandit.flatMap { $0.logged ? $0.requestID : nil }
        bandit = trace.bandit.map(BanditOutput.init)
        let query = trace.query
        let views =
            explain ? pipeline.stageViews(of: items.map(\.item), for: query, trace: trace) : []
        recommendations = items.enumerated().map { rank, ranked in
            let entry = trace.pool.entry(for: ranked.item)
            let stages =
                explain
                ? views[rank].map { StageOutput($0, pipeline) }
                : pipeline.stages.enumerated().map { source, stage in
                    let nomination = entry?.nomination(by: source)
                    return StageOutput(
                        stage: stage.name, type: stage.type, rank: nomination?.rank,
                        score: nomination?.score, nominated: nomination != nil)
                }
            let (id, title) = pipeline.describe(ranked.item)
            return Item(
                rank: rank + 1, item: id, title: title, score: ranked.score,
                summary: explain
                    ? Words.summary(ranked, views: views[rank], user: user, in: pipeline) : nil,
                stages: stages, contributions: ranked.contributions, placement: ranked.placement)
        }
    }
}

/// A bandit's arms at decision time, as JSON.
struct BanditOutput: Encodable {
    struct Arm: Encodable {
        var arm: String
        var pulls: Int
        var successes: Double
        var failures: Double
        /// The posterior mean of the reward rate and its 95% interval.
        var posteriorMean: Double
        var interval: [Double]
        /// UCB1's value, for a UCB1 policy (nil before the arm's first pull).
        var upperConfidenceBound: Double?
    }

    var policy: String
    var arms: [Arm]

    init(_ decision: BanditDecision) {
        policy = Words.policy(decision.policy)
        arms = decision.summaries.map { arm in
            Arm(
                arm: arm.arm, pulls: arm.state.pulls, successes: arm.state.successes,
                failures: arm.state.failures, posteriorMean: arm.posteriorMean,
                interval: [arm.interval.lowerBound, arm.interval.upperBound],
                upperConfidenceBound: arm.upperConfidenceBound.flatMap { $0.isFinite ? $0 : nil })
        }
    }
}
