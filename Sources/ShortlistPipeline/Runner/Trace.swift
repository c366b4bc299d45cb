public import ShortlistCore

/// Everything one request did, stage by stage, recorded from the values that produced the result.
public struct Trace: Sendable {
    /// One candidate stage's part.
    public struct GeneratorStep: Sendable {
        /// The stage name.
        public var name: String
        /// The plugin type.
        public var type: String
        /// The stage's candidate budget.
        public var limit: Int
        /// What it nominated, best first.
        public var candidates: [Candidate]
        /// Why it nominated nothing, when it did not.
        public var unavailable: Unavailability?
        /// Wall time of the call, in seconds.
        public var seconds: Double
    }

    /// One filter's part.
    public struct FilterStep: Sendable, Equatable, Encodable {
        /// The filter name.
        public var name: String
        /// Catalogue items it excluded that no earlier filter had.
        public var excludedCount: Int

        /// A filter's part.
        public init(name: String, excludedCount: Int) {
            self.name = name
            self.excludedCount = excludedCount
        }
    }

    /// Whether the user is known and has a history.
    public var user: UserStatus
    /// The request's query, the filters folded into its excluded set: what every stage saw.
    public var query: Query
    /// How many interactions the request reported on top of the data's (after merging repeats).
    public var freshInteractions: Int
    /// The filters, in the order they ran.
    public var filters: [FilterStep] = []
    /// The candidate stages, in pipeline order.
    public var generators: [GeneratorStep] = []
    /// The merged pool the ranker saw.
    public var pool: CandidatePool
    /// The whole pool as the ranker ordered it.
    public var ranked: [Ranked] = []
    /// How many items were asked for.
    public var resultCount: Int
    /// Wall time of the ranker, in seconds.
    public var rankerSeconds: Double = 0
    /// What a bandit ranker decided from, with the request id of its response; the caller sets
    /// ``BanditDecision/logged`` once it has logged the response.
    public var bandit: BanditDecision?
    /// What the re-rank steps did, for a pipeline with a `rerank:` section.
    public var rerank: Rerank?

    /// The re-rank steps' part.
    public struct Rerank: Sendable {
        /// How many of the ranker's best items the steps reordered.
        public var window: Int
        /// The order after the steps: the window reordered, each item a step moved with its
        /// moves (``Ranked/moves``), then the rest of the ranker's order.
        public var items: [Ranked]
        /// Wall time of the steps, in seconds.
        public var seconds: Double
    }

    /// The final order of the pool: the re-rank steps' when the pipeline has them, else the
    /// ranker's. The response is its first items.
    public var final: [Ranked] { rerank?.items ?? ranked }
}

/// What the pipeline knows about the user of a request.
public enum UserStatus: Sendable, Equatable {
    /// The dataset has never seen this id.
    case unknown
    /// A known user without interactions.
    case noHistory
    /// A known user with this many interactions.
    case history(interactions: Int)

    /// The status of a query's user.
    public init(_ query: Query) {
        if query.user == nil {
            self = .unknown
        } else {
            self = query.isCold ? .noHistory : .history(interactions: query.historyItems.count)
        }
    }
}

extension FittedPipeline {
    /// The response and a trace of every stage, from one ``run(_:context:observer:)``; the
    /// ranker's contributions of the best `detail` items of the ranked pool (all of them when
    /// nil) are in full detail (``RankerModel/detailed(_:in:for:)``), the others' as the ranker
    /// ordered them. A request that shows no explanation details none: for Wide & Deep,
    /// detailing the whole pool costs more than the request.
    public func recommendWithTrace(
        _ request: Request, context: RankingContext = .priors, detail: Int? = nil
    ) -> (Response, Trace) {
        var recorder = TraceRecorder()
        var response = run(request, context: context, observer: &recorder)
        let head = min(max(detail ?? recorder.ranked.count, 0), recorder.ranked.count)
        let detailed =
            head == 0
            ? recorder.ranked
            : detailingArms(
                ranker.detailed(
                    Array(recorder.ranked.prefix(head)), in: recorder.pool, for: recorder.query),
                in: recorder.pool, for: recorder.query) + recorder.ranked.dropFirst(head)
        var rerank: Trace.Rerank?
        if let window = recorder.reranked {
            var reordered = window + recorder.ranked.dropFirst(window.count)
            // The steps reorder the ranker's items: the first `head` of their order get the
            // ranker's detail too.
            let inRankerOrder = Set(detailed.prefix(head).map(\.item))
            let missing = reordered.prefix(head).filter { !inRankerOrder.contains($0.item) }
            let extra = ranker.detailed(
                missing.map {
                    Ranked(item: $0.item, score: $0.score, contributions: $0.contributions)
                },
                in: recorder.pool, for: recorder.query)
            var terms: [ItemIndex: [Contribution]] = [:]
            for item in detailed.prefix(head) + extra { terms[item.item] = item.contributions }
            for index in reordered.indices {
                if let found = terms[reordered[index].item] {
                    reordered[index].contributions = found
                }
            }
            rerank = Trace.Rerank(
                window: window.count, items: reordered,
                seconds: Double(recorder.rerankNanoseconds) / 1e9)
            response.items = Array(reordered.prefix(response.items.count))
        } else {
            response.items = Array(detailed.prefix(response.items.count))
        }
        let steps = stages.enumerated().map { index, stage in
            let candidates = recorder.candidates[index] ?? []
            return Trace.GeneratorStep(
                name: stage.name, type: stage.type, limit: stage.limit, candidates: candidates,
                unavailable: candidates.isEmpty
                    ? stage.model.unavailability(for: stage.readable(recorder.query))
                        ?? .allExcluded : nil,
                seconds: Double(recorder.nanoseconds[index] ?? 0) / 1e9
            )
        }
        let trace = Trace(
            user: UserStatus(recorder.query), query: recorder.query,
            freshInteractions: Set(request.history.map(\.item)).count, filters: recorder.filters,
            generators: steps,
            pool: recorder.pool, ranked: detailed,
            resultCount: request.n ?? resultCount,
            rankerSeconds: Double(recorder.rankerNanoseconds) / 1e9, bandit: recorder.bandit,
            rerank: rerank
        )
        return (response, trace)
    }
}

extension FittedPipeline {
    /// A bandit's items with their terms inside the ranker arm that placed them in full
    /// detail (``RankerModel/detailed(_:in:for:)``); other rankers' items as given.
    fileprivate func detailingArms(_ ranked: [Ranked], in pool: CandidatePool, for query: Query)
        -> [Ranked]
    {
        guard let bandit else { return ranked }
        var result = ranked
        for (arm, armRanker) in armRankers {
            let positions = result.indices.filter { result[$0].placement?.arm == bandit.arms[arm] }
            let inner = positions.map { position in
                let terms = result[position].placement?.contributions ?? []
                return Ranked(
                    item: result[position].item, score: terms.reduce(0) { $0 + $1.value },
                    contributions: terms)
            }
            for (position, item) in zip(positions, armRanker.detailed(inner, in: pool, for: query))
            {
                result[position].placement?.contributions = item.contributions
            }
        }
        return result
    }
}

/// Keeps what a request's stages produced; every field is set during the request.
private struct TraceRecorder: RequestObserver {
    var query = Query(userID: "", user: nil, excluded: ItemSet(capacity: 0))
    var filters: [Trace.FilterStep] = []
    var candidates: [Int: [Candidate]] = [:]
    var nanoseconds: [Int: UInt64] = [:]
    var pool = CandidatePool(sources: [], lists: [])
    var ranked: [Ranked] = []
    var rankerNanoseconds: UInt64 = 0
    var reranked: [Ranked]?
    var rerankNanoseconds: UInt64 = 0
    var bandit: BanditDecision?

    mutating func filtered(_ query: Query, steps: [Trace.FilterStep]) {
        self.query = query
        filters = steps
    }

    mutating func generated(stage: Int, candidates: [Candidate], nanoseconds: UInt64) {
        self.candidates[stage] = candidates
        self.nanoseconds[stage] = nanoseconds
    }

    mutating func ranked(_ pool: CandidatePool, _ ranked: [Ranked], nanoseconds: UInt64) {
        self.pool = pool
        self.ranked = ranked
        rankerNanoseconds = nanoseconds
    }

    mutating func reranked(_ window: [Ranked], nanoseconds: UInt64) {
        reranked = window
        rerankNanoseconds = nanoseconds
    }

    mutating func served(_ decision: BanditDecision) {
        bandit = decision
    }
}
