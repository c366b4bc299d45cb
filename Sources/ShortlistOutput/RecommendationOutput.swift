public import ShortlistCore
import ShortlistData
public import ShortlistPipeline

/// The TSV header; a logged bandit response adds its request id and each item's arm and
/// propensity.
public func tsvHeader(logged: Bool) -> String {
    "user\titem\trank\tscore" + (logged ? "\trequest\tarm\tpropensity" : "") + "\n"
}

/// One user's list as TSV rows: external ids, rank from 1, the ranker's score; for a logged
/// bandit response, the request id and each item's arm and propensity.
public func tsvRows(
    _ pipeline: FittedPipeline, user: String, items: [Ranked], requestID: String? = nil
) -> String {
    var rows = ""
    for (rank, item) in items.enumerated() {
        rows +=
            "\(tsvField(user))\t\(tsvField(pipeline.dataset.itemIDs[item.item]))\t\(rank + 1)\t"
            + "\(item.score)"
        if let requestID {
            rows +=
                "\t\(requestID)\t\(item.placement?.arm ?? "")\t"
                + (item.placement.map { "\($0.propensity)" } ?? "")
        }
        rows += "\n"
    }
    return rows
}

/// One user's recommendations as JSON, in one shape wherever they are written: `recommend
/// --format json` and the server's `POST /v1/recommend` (the request path's account: filters,
/// generators, pool, each item's stages and terms) and each line of `--format jsonl` (the
/// lists alone). A logged bandit response carries its `requestId`, which `POST /v1/feedback`
/// takes as it is.
public struct RecommendationOutput: Encodable {
    public struct Item: Encodable {
        public var rank: Int
        public var item: String
        public var title: String
        public var score: Double
        /// With explanations: why, in one plain sentence.
        public var summary: String?
        public var stages: [StageOutput]?
        public var contributions: [ContributionOutput]?
        /// For a bandit: the arm that placed the item and its propensity.
        public var placement: PlacementOutput?
        /// For a pipeline with re-rank steps: what each step did to the item.
        public var moves: [MoveOutput]?
    }

    public struct GeneratorSummary: Encodable {
        public var stage: String
        public var type: String
        public var limit: Int
        public var nominated: Int
        public var unavailable: UnavailableOutput?
        public var seconds: Double
    }

    public var user: UserOutput
    public var pipeline: String
    public var ranker: String
    /// For a bandit: the id its response was logged under (nil for a dry run and a batch).
    public var requestID: String?
    /// The request path's account (nil in a batch's lines).
    public var filters: [Trace.FilterStep]?
    public var generators: [GeneratorSummary]?
    public var poolSize: Int?
    /// For a bandit: every arm's state at decision time.
    public var bandit: BanditOutput?
    public var recommendations: [Item]

    enum CodingKeys: String, CodingKey {
        case user, pipeline, ranker, filters, generators, poolSize, bandit, recommendations
        case requestID = "requestId"
    }

    /// A line of a batch: the lists alone, which no bandit logged.
    public init(pipeline: FittedPipeline, user: String, items: [Ranked]) {
        self.user = UserOutput(id: user, in: pipeline.dataset)
        self.pipeline = pipeline.name
        ranker = pipeline.rankerType
        recommendations = items.enumerated().map { rank, ranked in
            let (id, title) = pipeline.describe(ranked.item)
            return Item(rank: rank + 1, item: id, title: title, score: ranked.score)
        }
    }

    /// A served response and its trace; with `explain`, each item's stages carry their
    /// explanations and the item a summary. Without `explain`, each item carries every
    /// stage's nomination and the ranker's terms unless `lean` (the server's plain answer: the
    /// list with the request path's account, each item without its terms).
    public init(
        pipeline: FittedPipeline, user: String, items: [Ranked], trace: Trace, explain: Bool,
        lean: Bool = false
    ) {
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
        let terms = explain || !lean
        recommendations = items.enumerated().map { rank, ranked in
            let entry = trace.pool.entry(for: ranked.item)
            let stages =
                !terms
                ? nil
                : explain
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
                    ? Words.summary(ranked, views: views[rank], query: trace.query, in: pipeline)
                    : nil,
                stages: stages,
                contributions: terms
                    ? ranked.contributions.map { ContributionOutput($0, pipeline) } : nil,
                placement: ranked.placement.map { PlacementOutput($0, pipeline) },
                moves: trace.rerank == nil ? nil : ranked.moves.map { MoveOutput($0, pipeline) })
        }
    }
}

/// A bandit's arms at decision time, as JSON.
public struct BanditOutput: Encodable {
    public struct Arm: Encodable {
        public var arm: String
        public var pulls: Int
        public var successes: Double
        public var failures: Double
        /// The posterior mean of the reward rate and its 95% interval.
        public var posteriorMean: Double
        public var interval: [Double]
        /// UCB1's value, for a UCB1 policy (nil before the arm's first pull).
        public var upperConfidenceBound: Double?
    }

    public var policy: String
    public var arms: [Arm]

    public init(_ decision: BanditDecision) {
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
