public import ShortlistCore

/// Quality and speed of a fitted pipeline on a split, stage by stage.
public struct EvaluationReport: Sendable, Encodable {
    /// Top-K quality of one list, averaged over evaluated users.
    public struct ListScores: Sendable, Encodable, Equatable {
        public init(
            precision: Double = 0, recall: Double = 0, ndcg: Double = 0, map: Double = 0,
            hitRate: Double = 0
        ) {
            (self.precision, self.recall, self.ndcg, self.map, self.hitRate) = (
                precision, recall, ndcg, map, hitRate
            )
        }

        public var precision = 0.0, recall = 0.0, ndcg = 0.0, map = 0.0, hitRate = 0.0
    }

    /// One candidate stage alone.
    public struct GeneratorScores: Sendable, Encodable {
        public var stage: String
        public var type: String
        public var limit: Int
        /// Relevant held-out items among its candidates, over all relevant items (micro-averaged per user).
        public var recallAtLimit: Double
        /// Its own first K nominations scored as a final list (fewer when its limit is below K).
        public var topK: ListScores
        /// Seconds to fit, or nil when it was loaded.
        public var fitSeconds: Double?
        /// Mean time to produce one user's candidates, in milliseconds.
        public var serveMilliseconds: Double
    }

    /// The final lists' ``BeyondAccuracy`` measures.
    public struct BeyondAccuracyScores: Sendable, Encodable, Equatable {
        /// Mean over users of the list's intra-list diversity by genres; nil when the items
        /// have no genres.
        public var intraListDiversity: Double?
        /// The Gini index of how often each catalogue item was recommended.
        public var gini: Double
        /// Mean self-information of a recommended item, in bits.
        public var novelty: Double
        /// Mean over users of the KL divergence of the list's genres from the history's, in
        /// nats; nil when no history has genres.
        public var calibration: Double?
        /// For each candidate stage whose model has item embeddings, in pipeline order: the
        /// mean over users of the list's intra-list diversity by them (1 − cosine).
        public var embeddingDiversity: [StageDiversity]

        /// Intra-list diversity by one stage's item embeddings.
        public struct StageDiversity: Sendable, Encodable, Equatable {
            public var stage: String
            public var value: Double
        }
    }

    /// Rating error of a stage that predicts ratings.
    public struct RatingScores: Sendable, Encodable {
        public var stage: String
        public var rmse: Double
        public var mae: Double
        public var count: Int
    }

    public var pipeline: String
    public var split: String
    public var k: Int
    /// Held-out ratings at least this are relevant; nil when the data has no ratings and every
    /// held-out interaction is.
    public var relevanceThreshold: Double?
    public var usersEvaluated: Int
    public var usersSkipped: Int
    public var testInteractions: Int
    public var ratingPredictors: [RatingScores]
    public var generators: [GeneratorScores]
    /// Recall of the union of every stage's candidates.
    public var unionRecall: Double
    /// The final list's scores.
    public var final: ListScores
    /// Distinct recommended items over catalogue size.
    public var coverage: Double
    /// Mean training-popularity rank of recommended items (1 = most popular).
    public var meanPopularityRank: Double
    /// What the final lists are like beyond their hits.
    public var beyondAccuracy: BeyondAccuracyScores
    /// Seconds to fit the ranker, or nil when it was loaded.
    public var rankerFitSeconds: Double?
    /// Mean time for one whole recommendation, in milliseconds (one thread).
    public var recommendMilliseconds: Double
    /// NDCG@K and recall@K for K = 1 … a depth, per stage and for the final list, averaged over
    /// the evaluated users; nil unless asked for.
    public var curves: Curves?

    /// Quality at every cut-off from 1 to ``depth``.
    public struct Curves: Sendable, Encodable {
        /// One candidate stage's own list.
        public struct Stage: Sendable, Encodable {
            public var stage: String
            public var curve: RankingCurve
        }

        /// The deepest cut-off.
        public var depth: Int
        public var stages: [Stage]
        /// The final list, cut at each K from the ranker's order of the whole pool.
        public var final: RankingCurve
    }
}

/// Scores a fitted pipeline against the held-out part of a split.
public enum Evaluator {
    /// Evaluates every user with at least one relevant held-out item (rating ≥ `threshold`,
    /// or any held-out item when the data has no ratings) through the pipeline's one request
    /// path, made at the time the user's held-out part begins for a split by time, users spread
    /// over the cores. Each request runs on one thread, so its stage
    /// timings are single-thread measurements.
    ///
    /// - Parameters:
    ///   - pipeline: prepared on `split.train` (its items are the split's).
    ///   - curveDepth: when given, NDCG@K and recall@K are also computed for every K up to it.
    ///   - lambda: the trade-off of the pipeline's mmr re-rank steps for every request, or nil
    ///     for theirs.
    ///   - recommendations: receives each evaluated user's final top-K, in user order.
    public static func evaluate(
        _ pipeline: FittedPipeline, split: Split, splitName: String, k: Int, threshold: Double,
        curveDepth: Int? = nil, lambda: Double? = nil,
        recommendations: ((UserIndex, [Ranked]) -> Void)? = nil
    ) throws(RequestError) -> EvaluationReport {
        let train = split.train
        let ratedData = train.hasRatings
        let highest = split.test.lazy.flatMap { $0 }.map { Double($0.rating) }.max()
        if ratedData, let highest, highest < threshold {
            throw RequestError(
                "no user can be evaluated: no held-out interaction is rated \(plainNumber(threshold)) "
                    + "or more (the highest held-out rating is \(plainNumber(highest))); lower "
                    + "--threshold")
        }
        var popularityRank = [Int](repeating: 0, count: train.itemCount)
        for (rank, item) in (0..<train.itemCount).sorted(by: {
            (train.byItem.count(of: $0), -$0) > (train.byItem.count(of: $1), -$1)
        }).enumerated() {
            popularityRank[item] = rank + 1
        }
        let genres =
            train.items.contains { !$0.genres.isEmpty } ? pipeline.itemFields.itemGenres : nil
        let embedded = pipeline.stages.compactMap { stage in
            stage.model.itemEmbeddings.map { (stage: stage.name, embeddings: $0) }
        }
        let results = concurrentMap(train.userCount) { user -> UserResult? in
            let relevant = Set(
                split.test[user].filter { !ratedData || Double($0.rating) >= threshold }.map(\.item)
            )
            guard !relevant.isEmpty else { return nil }
            var observer = EvaluationObserver(stageCount: pipeline.stages.count)
            let ranked = pipeline.run(
                Request(
                    userID: train.userIDs[user], n: k, time: split.requestTime(of: user),
                    lambda: lambda),
                observer: &observer
            ).items
            let curves = curveDepth.map { depth in
                observer.lists.map {
                    RankingCurve(recommended: $0.map(\.item), relevant: relevant, depth: depth)
                } + [RankingCurve(recommended: observer.order, relevant: relevant, depth: depth)]
            }
            return UserResult(
                relevant: relevant.count, curves: curves,
                stageHits: observer.lists.map { $0.filter { relevant.contains($0.item) }.count },
                stageScores: observer.lists.map {
                    RankingScores(recommended: $0.map(\.item), relevant: relevant, k: k)
                },
                stageNanoseconds: observer.nanoseconds,
                unionHits: observer.pooled.filter { relevant.contains($0) }.count,
                final: RankingScores(recommended: ranked.map(\.item), relevant: relevant, k: k),
                ranked: ranked, rankerNanoseconds: observer.rankerNanoseconds,
                diversity: genres.flatMap {
                    BeyondAccuracy.intraListDiversity(ranked.map(\.item), genres: $0)
                },
                calibration: genres.flatMap {
                    BeyondAccuracy.calibration(
                        history: train.byUser.range(of: user).map {
                            Int(train.byUser.columns[$0])
                        }, list: ranked.map(\.item), genres: $0)
                },
                embeddingDiversity: embedded.map {
                    BeyondAccuracy.intraListDiversity(ranked.map(\.item), embeddings: $0.embeddings)
                })
        }
        var generatorTotals = [EvaluationReport.ListScores](
            repeating: .init(), count: pipeline.stages.count)
        var generatorHits = [Int](repeating: 0, count: pipeline.stages.count)
        var generatorNanos = [UInt64](repeating: 0, count: pipeline.stages.count)
        var finalTotals = EvaluationReport.ListScores()
        var unionHits = 0
        var relevantTotal = 0
        var evaluated = 0
        var skipped = 0
        var recommended = Set<ItemIndex>()
        var popularitySum = 0.0
        var popularityCount = 0
        var recommendedCounts = [Int](repeating: 0, count: train.itemCount)
        var noveltySum = 0.0
        var diversity = (sum: 0.0, lists: 0)
        var calibration = (sum: 0.0, lists: 0)
        var embeddingDiversity = embedded.map { _ in (sum: 0.0, lists: 0) }
        var rankerNanos: UInt64 = 0
        var curveTotals = curveDepth.map {
            Array(repeating: RankingCurve(depth: $0), count: pipeline.stages.count + 1)
        }
        for (user, result) in results.enumerated() {
            guard let result else {
                if !split.test[user].isEmpty { skipped += 1 }
                continue
            }
            evaluated += 1
            relevantTotal += result.relevant
            for stage in pipeline.stages.indices {
                generatorHits[stage] += result.stageHits[stage]
                generatorTotals[stage].add(result.stageScores[stage])
                generatorNanos[stage] += result.stageNanoseconds[stage]
            }
            unionHits += result.unionHits
            finalTotals.add(result.final)
            for (index, curve) in (result.curves ?? []).enumerated() {
                curveTotals?[index].add(curve)
            }
            rankerNanos += result.rankerNanoseconds
            for item in result.ranked {
                recommended.insert(item.item)
                popularitySum += Double(popularityRank[item.item])
                popularityCount += 1
                recommendedCounts[item.item] += 1
                noveltySum += BeyondAccuracy.novelty(
                    interactions: train.byItem.count(of: item.item), users: train.userCount)
            }
            if let value = result.diversity {
                diversity = (diversity.sum + value, diversity.lists + 1)
            }
            if let value = result.calibration {
                calibration = (calibration.sum + value, calibration.lists + 1)
            }
            for (index, value) in result.embeddingDiversity.enumerated() {
                if let value {
                    embeddingDiversity[index].sum += value
                    embeddingDiversity[index].lists += 1
                }
            }
            recommendations?(user, result.ranked)
        }

        let users = Double(max(evaluated, 1))
        let generators = pipeline.stages.enumerated().map { index, stage in
            EvaluationReport.GeneratorScores(
                stage: stage.name, type: stage.type, limit: stage.limit,
                recallAtLimit: Double(generatorHits[index]) / Double(max(relevantTotal, 1)),
                topK: generatorTotals[index].averaged(over: users),
                fitSeconds: stage.fitSeconds,
                serveMilliseconds: Double(generatorNanos[index]) / users / 1e6
            )
        }
        let curves = curveTotals.map { totals in
            EvaluationReport.Curves(
                depth: totals[0].ndcg.count,
                stages: zip(pipeline.stages, totals).map {
                    .init(stage: $0.name, curve: $1.averaged(over: users))
                },
                final: totals[pipeline.stages.count].averaged(over: users))
        }
        return EvaluationReport(
            pipeline: pipeline.name, split: splitName, k: k,
            relevanceThreshold: ratedData ? threshold : nil,
            usersEvaluated: evaluated, usersSkipped: skipped, testInteractions: split.testCount,
            ratingPredictors: ratingScores(pipeline, split: split), generators: generators,
            unionRecall: Double(unionHits) / Double(max(relevantTotal, 1)),
            final: finalTotals.averaged(over: users),
            coverage: Double(recommended.count) / Double(max(train.itemCount, 1)),
            meanPopularityRank: popularityCount > 0 ? popularitySum / Double(popularityCount) : 0,
            beyondAccuracy: .init(
                intraListDiversity: diversity.lists > 0
                    ? diversity.sum / Double(diversity.lists) : nil,
                gini: BeyondAccuracy.gini(recommendedCounts),
                novelty: popularityCount > 0 ? noveltySum / Double(popularityCount) : 0,
                calibration: calibration.lists > 0
                    ? calibration.sum / Double(calibration.lists) : nil,
                embeddingDiversity: zip(embedded, embeddingDiversity).compactMap { stage, total in
                    total.lists > 0
                        ? .init(stage: stage.stage, value: total.sum / Double(total.lists)) : nil
                }),
            rankerFitSeconds: pipeline.rankerFitSeconds,
            recommendMilliseconds: (Double(generatorNanos.reduce(0, +)) + Double(rankerNanos))
                / users / 1e6,
            curves: curves
        )
    }

    /// RMSE and MAE over every held-out rating, for each stage whose model predicts ratings.
    static func ratingScores(_ pipeline: FittedPipeline, split: Split) -> [EvaluationReport
        .RatingScores]
    {
        guard split.train.hasRatings else { return [] }
        return pipeline.stages.compactMap { stage in
            guard stage.capabilities.contains(.ratingPrediction) else { return nil }
            var squared = 0.0
            var absolute = 0.0
            var count = 0
            for user in 0..<split.train.userCount where !split.test[user].isEmpty {
                let query = split.train.query(for: user)
                for held in split.test[user] {
                    guard let predicted = stage.model.predictRating(of: held.item, for: query)
                    else { continue }
                    let error = predicted - Double(held.rating)
                    squared += error * error
                    absolute += abs(error)
                    count += 1
                }
            }
            guard count > 0 else { return nil }
            return EvaluationReport.RatingScores(
                stage: stage.name, rmse: (squared / Double(count)).squareRoot(),
                mae: absolute / Double(count), count: count)
        }
    }
}

/// One evaluated user's figures, summed over users afterwards in user order.
private struct UserResult: Sendable {
    var relevant: Int
    /// Each stage's curve, then the final list's, when curves are asked for.
    var curves: [RankingCurve]?
    var stageHits: [Int]
    var stageScores: [RankingScores]
    var stageNanoseconds: [UInt64]
    var unionHits: Int
    var final: RankingScores
    var ranked: [Ranked]
    var rankerNanoseconds: UInt64
    /// The final list's intra-list diversity by genres, and its calibration to the history.
    var diversity: Double?
    var calibration: Double?
    /// By each stage's item embeddings that has them, in pipeline order.
    var embeddingDiversity: [Double?]
}

/// Keeps each stage's nominations, the pool and the timings of one request.
private struct EvaluationObserver: RequestObserver {
    var lists: [[Candidate]]
    var nanoseconds: [UInt64]
    var pooled: [ItemIndex] = []
    /// The ranker's order of the whole pool.
    var order: [ItemIndex] = []
    var rankerNanoseconds: UInt64 = 0

    init(stageCount: Int) {
        lists = Array(repeating: [], count: stageCount)
        nanoseconds = Array(repeating: 0, count: stageCount)
    }

    mutating func generated(stage: Int, candidates: [Candidate], nanoseconds: UInt64) {
        lists[stage] = candidates
        self.nanoseconds[stage] = nanoseconds
    }

    mutating func ranked(_ pool: CandidatePool, _ ranked: [Ranked], nanoseconds: UInt64) {
        pooled = pool.entries.map(\.item)
        order = ranked.map(\.item)
        rankerNanoseconds = nanoseconds
    }
}

extension EvaluationReport.ListScores {
    mutating func add(_ scores: RankingScores) {
        precision += scores.precision
        recall += scores.recall
        ndcg += scores.ndcg
        map += scores.averagePrecision
        hitRate += scores.hit
    }

    func averaged(over users: Double) -> Self {
        Self(
            precision: precision / users, recall: recall / users, ndcg: ndcg / users,
            map: map / users, hitRate: hitRate / users)
    }
}
