import Dispatch
import Foundation
public import ShortlistCore
import ShortlistData

/// A pipeline with every stage fitted: answers recommendation requests.
///
/// ``run(_:context:observer:)`` is the one request path: the CLI, the evaluator, the
/// simulator, two-stage training and the server call it, and it does no I/O. The stages of
/// one request run on the calling thread; ``runAll(_:context:)`` answers many requests the
/// same way, each stage nominating for all of them in one call, spread over the cores.
public struct FittedPipeline: Sendable {
    /// One fitted candidate stage.
    public struct Stage: Sendable {
        /// The stage name.
        public var name: String
        /// The plugin type.
        public var type: String
        /// The candidate budget.
        public var limit: Int
        /// The fitted model.
        public var model: any CandidateModel
        /// What the model can do besides nominating.
        public var capabilities: GeneratorCapabilities
        /// Seconds the fit took, or nil when the model was loaded from its artifact.
        public var fitSeconds: Double?
        /// The words of the terms its explanations hold (its plugin's).
        public var vocabulary: Vocabulary
        /// The items the model knows, indexes below this, when the catalogue has grown since
        /// the fit and the model could not take the new items; nil when it knows every item.
        public var knownItems: Int?

        /// A fitted stage.
        public init(
            name: String, type: String, limit: Int, model: any CandidateModel,
            capabilities: GeneratorCapabilities = [], fitSeconds: Double? = nil,
            vocabulary: Vocabulary = .none
        ) {
            self.name = name
            self.type = type
            self.limit = limit
            self.model = model
            self.capabilities = capabilities
            self.fitSeconds = fitSeconds
            self.vocabulary = vocabulary
        }

        /// Whether the model knows `item` (the catalogue may have grown since the fit).
        public func knows(_ item: ItemIndex) -> Bool { item < knownItems ?? .max }

        /// The query as the model can read it: without the history items it does not know.
        public func readable(_ query: Query) -> Query {
            guard let knownItems, query.historyItems.contains(where: { $0 >= knownItems }) else {
                return query
            }
            return query.restricted(toItemsBelow: knownItems)
        }
    }

    /// The pipeline's name.
    public let name: String
    /// The default result size.
    public let resultCount: Int
    /// The data the stages were fitted on (with the catalogue's changes since, when the pipeline
    /// serves them: ``servingCatalogue(_:events:policy:)``), used for histories and ids.
    public internal(set) var dataset: Dataset
    /// The candidate stages in order.
    public internal(set) var stages: [Stage]
    /// The ranker's plugin type.
    public let rankerType: String
    /// The fitted ranker.
    public internal(set) var ranker: any RankerModel
    /// The ranker as a bandit, when it is one (its plugin declares it through its model):
    /// the one place the pipeline, the CLI and the server learn that a pipeline blends arms.
    public let bandit: (any BanditRankerModel)?
    /// For a bandit ranker, its arms that are rankers of their own, fitted, by arm position.
    public internal(set) var armRankers: [Int: any RankerModel]
    /// Seconds the ranker's fit took, or nil when it was loaded from its artifact.
    public let rankerFitSeconds: Double?
    /// The words of the terms its ranker's contributions hold (the ranker's plugin's, and its
    /// ranker arms' plugins').
    public let rankerVocabulary: Vocabulary
    /// The artifacts the pipeline was prepared from, when a workspace prepared it.
    public let artifacts: ArtifactPlan?
    /// The share of a server's responses logged with their shown items (the pipeline's
    /// `exposures:`); a bandit logs every response whatever it is.
    public var exposures = 0.0
    /// The filters in the order they apply.
    public internal(set) var filters: [any Filter]
    /// The steps that reorder the ranker's best items, or nil (never for a bandit).
    public internal(set) var reranking: Reranking?
    /// Every item's genres and decade under one vocabulary: what re-rank steps and a request's
    /// field filters read.
    public internal(set) var itemFields: FeatureVocabulary
    /// The rating a request's fresh interaction without one counts as: the data's highest
    /// rating (1 for data without ratings, as every interaction counts).
    public let unratedRating: Float
    /// The items a pooled candidate must be below when a ranker could not take the items the
    /// catalogue gained since the fit; nil when every ranker ranks every item.
    public internal(set) var rankableItems: Int?

    /// A fitted pipeline whose requests pass through `filters`.
    public init(
        name: String, resultCount: Int, dataset: Dataset, stages: [Stage], rankerType: String,
        ranker: any RankerModel, bandit: (any BanditRankerModel)? = nil,
        armRankers: [Int: any RankerModel] = [:], rankerFitSeconds: Double? = nil,
        rankerVocabulary: Vocabulary = .none, filters: [any Filter],
        artifacts: ArtifactPlan? = nil
    ) {
        self.rankerVocabulary = rankerVocabulary
        self.bandit = bandit
        self.artifacts = artifacts
        self.armRankers = armRankers
        self.rankerFitSeconds = rankerFitSeconds
        self.name = name
        self.resultCount = resultCount
        self.dataset = dataset
        self.stages = stages
        self.rankerType = rankerType
        self.ranker = ranker
        unratedRating = dataset.hasRatings ? dataset.byUser.ratings.max() ?? 1 : 1
        self.filters = filters
        itemFields = FeatureVocabulary(dataset)
    }

    /// The query for a user id with every filter applied to its excluded set; `history` is
    /// what the request reports on top of the data's (see ``Request/history``).
    public func query(
        forUserID id: String, at time: Int64? = nil, history: [FreshInteraction] = [],
        exclude: [ItemIndex] = [], fields: [FieldFilter] = []
    ) -> Query {
        filteredQuery(
            forUserID: id, at: time, history: history, exclude: exclude, fields: fields
        ).query
    }

    /// The filtered query, and how many items each filter added to the excluded set.
    private func filteredQuery(
        forUserID id: String, at time: Int64?, history: [FreshInteraction], exclude: [ItemIndex],
        fields: [FieldFilter]
    ) -> (query: Query, steps: [Trace.FilterStep]) {
        var query = dataset.query(forUserID: id, fresh: history, unrated: unratedRating)
        query.time = time
        var excluded = query.excluded
        var steps: [Trace.FilterStep] = []
        for filter in filters {
            let before = excluded.count
            filter.addExclusions(to: &excluded, for: query)
            steps.append(
                Trace.FilterStep(name: filter.name, excludedCount: excluded.count - before))
        }
        if !exclude.isEmpty {
            let before = excluded.count
            for item in exclude { excluded.insert(item) }
            steps.append(
                Trace.FilterStep(name: "request exclude", excludedCount: excluded.count - before))
        }
        for filter in fields {
            let before = excluded.count
            let ids = filter.ids(in: itemFields)
            for item in 0..<dataset.itemCount
            where filter.excludes(item, ids: ids, fields: itemFields) {
                excluded.insert(item)
            }
            steps.append(
                Trace.FilterStep(name: filter.name, excludedCount: excluded.count - before))
        }
        query.excluded = excluded
        return (query, steps)
    }

    /// Answers one request: the top `n` items for a user (the pipeline's `n` when nil); unknown
    /// ids get a cold answer. This is the one function that runs the stages: filters fold into
    /// the query, every candidate stage nominates up to its limit, the ranker orders the pool.
    /// It reads and writes nothing: what a stateful ranker needs comes in `context`, what must
    /// be logged leaves in the response's ``Response/decision``.
    ///
    /// A bandit ranker blends its arms from the states in `context` with draws seeded by the
    /// request id. It shows only items an arm placed (fewer than `n` when the arms that can
    /// serve the user hold fewer), each with its arm and propensity in the decision, so
    /// feedback on any shown item finds its arm once the caller logs it.
    ///
    /// The request's fresh history is folded in by generators that keep a fitted
    /// representation per user; the others read it as history, and exclude-seen covers it. One
    /// without a rating counts as ``unratedRating``.
    ///
    /// - Complexity: the sum of the stages' costs, on the calling thread.
    public func run<Observer: RequestObserver>(
        _ request: Request, context: RankingContext = .priors, observer: inout Observer
    ) -> Response {
        let (query, steps) = filteredQuery(
            forUserID: request.userID, at: request.time, history: request.history,
            exclude: request.exclude, fields: request.fields)
        observer.filtered(query, steps: steps)
        var lists: [[Candidate]] = []
        lists.reserveCapacity(stages.count)
        for (index, stage) in stages.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            let list = rankable(
                stage.model.candidates(for: stage.readable(query), limit: stage.limit))
            observer.generated(
                stage: index, candidates: list,
                nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
            lists.append(list)
        }
        let pool = CandidatePool(sources: stages.map(\.name), lists: lists)
        return rank(request, query: query, pool: pool, context: context, observer: &observer)
    }

    /// Answers many requests at once: each gets the response ``run(_:context:observer:)``
    /// gives it with no observer, but every stage nominates for all of them in one call
    /// (``CandidateModel/candidates(forEach:limit:)``: a factor model reads its item table once
    /// per group of users instead of once per user), and the pools are ranked spread over the
    /// cores.
    ///
    /// - Complexity: the sum of the stages' batch costs, then one ranking per request divided
    ///   by the core count.
    public func runAll(_ requests: [Request], context: RankingContext = .priors) -> [Response] {
        let nominated = nominateAll(requests)
        return concurrentMap(requests.count, chunk: 16) { index in
            var observer = NoObserver()
            return rank(
                requests[index], query: nominated[index].query, pool: nominated[index].pool,
                context: context, observer: &observer)
        }
    }

    /// Each request's filtered query and the pool its stages nominate, as
    /// ``run(_:context:observer:)`` builds them before ranking, every stage nominating for all
    /// the requests in one call.
    ///
    /// - Complexity: the sum of the stages' batch costs.
    public func nominateAll(_ requests: [Request]) -> [(query: Query, pool: CandidatePool)] {
        let queries = concurrentMap(requests.count, chunk: 16) { index in
            let request = requests[index]
            return filteredQuery(
                forUserID: request.userID, at: request.time, history: request.history,
                exclude: request.exclude, fields: request.fields
            ).query
        }
        let lists = stages.map { stage in
            stage.model.candidates(forEach: queries.map(stage.readable), limit: stage.limit)
                .map(rankable)
        }
        let sources = stages.map(\.name)
        return queries.indices.map { index in
            (queries[index], CandidatePool(sources: sources, lists: lists.map { $0[index] }))
        }
    }

    /// A stage's list without the items the ranker cannot take.
    private func rankable(_ list: [Candidate]) -> [Candidate] {
        guard let rankableItems else { return list }
        return list.filter { $0.item < rankableItems }
    }

    /// The rest of ``run(_:context:observer:)`` once the stages have nominated: the ranker
    /// (or the bandit's blend) orders the pool, the re-rank steps reorder its best, and the
    /// response keeps the first `n`.
    private func rank<Observer: RequestObserver>(
        _ request: Request, query: Query, pool: CandidatePool, context: RankingContext,
        observer: inout Observer
    ) -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let n = request.n ?? resultCount
        guard let bandit else {
            let ranked = ranker.rank(pool, for: query)
            let rerankStart = DispatchTime.now().uptimeNanoseconds
            observer.ranked(pool, ranked, nanoseconds: rerankStart - start)
            guard let reranking else { return Response(items: Array(ranked.prefix(n))) }
            let (window, kept) = reranked(
                ranked, reranking: reranking, n: n, query: query, pool: pool, request: request)
            observer.reranked(
                window, nanoseconds: DispatchTime.now().uptimeNanoseconds - rerankStart)
            return Response(items: Array(window.prefix(min(n, kept))))
        }
        let id = request.requestID ?? Self.newRequestID()
        let states = context.armStates ?? bandit.arms.map { _ in ArmState() }
        precondition(states.count == bandit.arms.count, "one state per arm")
        var hasher = FNV1a()
        hasher.combine(id)
        let seed = hasher.value
        var random = SeededGenerator(seed: seed)
        let ranked = bandit.blended(
            pool, for: query, states: states, random: &random, rankers: armRankers)
        observer.ranked(pool, ranked, nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
        // Only what an arm placed is shown: every shown item is logged with its arm.
        let shown = Array(ranked.prefix { $0.placement != nil }.prefix(n))
        let served = ServedRequest(
            id: id, pipeline: name, user: request.userID,
            impressions: shown.enumerated().compactMap { position, item in
                item.placement.map {
                    Impression(
                        item: dataset.itemIDs[item.item], position: position + 1, arm: $0.arm,
                        propensity: $0.propensity)
                }
            }, armStates: states)
        observer.served(
            BanditDecision(
                requestID: id, arms: bandit.arms, states: states, policy: bandit.blend.policy,
                logged: false))
        return Response(items: shown, decision: Decision(served: served, seed: seed))
    }

    /// A new request id: a version-7 UUID (the time in milliseconds, then random bits), so
    /// that ids sort by time and the feedback store's keys grow at their end.
    public static func newRequestID(at date: Date = Date()) -> String {
        var random = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(date.timeIntervalSince1970, 0) * 1000) & 0xffff_ffff_ffff
        let high = milliseconds << 16 | 0x7000 | random.next() & 0x0fff
        let low = random.next() & 0x3fff_ffff_ffff_ffff | 0x8000_0000_0000_0000
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (word, range) in [(high, 0..<16), (low, 16..<32)] {
            for index in range {
                if index == 8 || index == 12 || index == 16 || index == 20 {
                    text.append(UInt8(ascii: "-"))
                }
                text.append(digits[Int(word >> UInt64(60 - 4 * (index % 16)) & 0xf)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The top `n` items for a user, with no observer, a bandit's arms at their priors.
    public func recommend(userID: String, n: Int? = nil) -> [Ranked] {
        var observer = NoObserver()
        return run(Request(userID: userID, n: n), observer: &observer).items
    }

    /// Recommendations for many users, in the order given: ``recommend(userID:n:)`` for each,
    /// computed together by ``runAll(_:context:)``.
    public func recommendAll(_ userIDs: [String], n: Int? = nil) -> [[Ranked]] {
        runAll(userIDs.map { Request(userID: $0, n: n) }).map(\.items)
    }

    /// Recommends to every user of `userIDs`, `batchSize` users at a time spread over the
    /// cores, handing each batch's lists (in order) to `body` before computing the next: only
    /// one batch is held, however many users there are. Each batch decides from the context
    /// `context` gives before it (a bandit's arms' states as they are then), and each user's
    /// request carries what `fresh` gives for them (their stored events, read on the calling
    /// thread before the batch); what either throws ends the run. Every request takes the field
    /// filters `fields` and the re-rank trade-off `lambda`. Nothing is logged: the lists are not
    /// served responses.
    public func recommendInBatches(
        _ userIDs: [String], n: Int? = nil, fields: [FieldFilter] = [], lambda: Double? = nil,
        batchSize: Int = 2048,
        context: () throws -> RankingContext = { .priors },
        fresh: (String) throws -> (history: [FreshInteraction], exclude: [ItemIndex]) = { _ in
            ([], [])
        },
        _ body: (_ users: Range<Int>, _ lists: [[Ranked]]) throws -> Void
    ) throws {
        var start = 0
        while start < userIDs.count {
            let users = start..<min(userIDs.count, start + max(1, batchSize))
            let batchContext = try context()
            let added = try userIDs[users].map(fresh)
            let requests = zip(users, added).map { user, added in
                Request(
                    userID: userIDs[user], n: n, history: added.history, exclude: added.exclude,
                    fields: fields, lambda: lambda)
            }
            try body(users, runAll(requests, context: batchContext).map(\.items))
            start = users.upperBound
        }
    }
}
