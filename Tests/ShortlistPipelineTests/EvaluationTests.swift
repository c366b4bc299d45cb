import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistPipeline
import ShortlistTestSupport
import Testing

@Suite struct MetricTests {
    @Test func handComputedRankingScores() {
        // Hits at positions 1 and 3 of 4; three relevant items; K = 4.
        let scores = RankingScores(
            recommended: [10, 20, 30, 40, 50], relevant: [10, 30, 99], k: 4)
        #expect(scores.precision == 0.5)
        #expect(abs(scores.recall - 2.0 / 3) < 1e-12)
        let dcg = 1.0 + 1 / log2(4.0)
        let idcg = 1.0 + 1 / log2(3.0) + 1 / log2(4.0)
        #expect(abs(scores.ndcg - dcg / idcg) < 1e-12)
        #expect(abs(scores.averagePrecision - (1.0 + 2.0 / 3) / 3) < 1e-12)
        #expect(scores.hit == 1)
        let miss = RankingScores(recommended: [1, 2], relevant: [3], k: 2)
        #expect(miss == RankingScores(recommended: [], relevant: [3], k: 2))
        #expect(miss.hit == 0 && miss.ndcg == 0)
        // More relevant items than K: ideal DCG stops at K.
        #expect(RankingScores(recommended: [1, 2], relevant: [1, 2, 3, 4], k: 2).ndcg == 1)
    }
}

@Suite struct SplitTests {
    let dataset = PlantedClusters(users: 30, items: 40, perUser: 11).dataset

    func pairs(_ data: Dataset) -> Set<String> {
        var result = Set<String>()
        for user in 0..<data.userCount {
            for entry in data.byUser.range(of: user) {
                result.insert("\(user)-\(data.byUser.columns[entry])")
            }
        }
        return result
    }

    @Test func temporalHoldsOutTheLatestFifthOfEachUser() throws {
        let split = try Split(dataset, .temporal(0.2))
        for user in 0..<dataset.userCount {
            let range = dataset.byUser.range(of: user)
            #expect(split.test[user].count == 3)  // ⌈11 / 5⌉
            let latestTrain =
                split.train.byUser.timestamps[split.train.byUser.range(of: user)].max() ?? 0
            #expect(split.test[user].allSatisfy { $0.timestamp >= latestTrain })
            #expect(split.train.byUser.count(of: user) + split.test[user].count == range.count)
            let trainItems = Set(
                split.train.byUser.columns[split.train.byUser.range(of: user)].map(Int.init))
            #expect(split.test[user].allSatisfy { !trainItems.contains($0.item) })
        }
        #expect(split.train.itemIDs == dataset.itemIDs && split.train.userIDs == dataset.userIDs)
    }

    @Test func randomIsDeterministicPerSeedAndDisjoint() throws {
        let a = try Split(dataset, .random(0.2, seed: 1))
        let b = try Split(dataset, .random(0.2, seed: 1))
        let c = try Split(dataset, .random(0.2, seed: 2))
        #expect(a.test == b.test)
        #expect(a.test != c.test)
        for user in 0..<dataset.userCount {
            let trainItems = Set(
                a.train.byUser.columns[a.train.byUser.range(of: user)].map(Int.init))
            #expect(a.test[user].allSatisfy { !trainItems.contains($0.item) })
        }
    }

    @Test func leaveLastAndParsing() throws {
        let split = try Split(dataset, .leaveLast(2))
        #expect(split.test.allSatisfy { $0.count == 2 })
        #expect(try SplitSpec(parsing: "random:0.25:7") == .random(0.25, seed: 7))
        #expect(try SplitSpec(parsing: "file:a.tsv,b.tsv") == .files(train: "a.tsv", test: "b.tsv"))
        #expect(
            throws: RequestError(
                .invalid,
                "split 'temporal:1.5': the fraction must be between 0 and 1, found '1.5'")
        ) {
            try SplitSpec(parsing: "temporal:1.5")
        }
    }

    @Test func exportKeepsExtremeRatingsWithoutTrapping() throws {
        var builder = DatasetBuilder()
        builder.addInteraction(user: "u", item: "a", rating: 1e30, timestamp: 1)
        builder.addInteraction(user: "u", item: "b", rating: 2.5, timestamp: 2)
        let folder = try TemporaryDirectory()
        try Split(builder.build(), .leaveLast(1)).export(to: folder.path)
        let train = try String(contentsOfFile: "\(folder.path)/train.tsv", encoding: .utf8)
        let test = try String(contentsOfFile: "\(folder.path)/test.tsv", encoding: .utf8)
        #expect(train == "user\titem\trating\ttimestamp\nu\ta\t1e+30\t1\n")
        #expect(test == "user\titem\trating\ttimestamp\nu\tb\t2.5\t2\n")
    }

    @Test func exportedSplitReadsBackAsTheSameSplit() throws {
        let folder = try TemporaryDirectory()
        let split = try Split(dataset, .temporal(0.2))
        try split.export(to: folder.path)
        let again = try Split(
            dataset, .files(train: "\(folder.path)/train.tsv", test: "\(folder.path)/test.tsv"))
        #expect(pairs(again.train) == pairs(split.train))
        #expect(again.test.map { Set($0.map(\.item)) } == split.test.map { Set($0.map(\.item)) })
        let header = try String(contentsOfFile: "\(folder.path)/test.tsv", encoding: .utf8).split(
            separator: "\n"
        ).first
        #expect(header == "user\titem\trating\ttimestamp")
        #expect(again.isByTime)
        #expect(
            (0..<dataset.userCount).map(again.requestTime)
                == (0..<dataset.userCount).map(split.requestTime))
    }

    @Test func splitsByTimeRequestWhereEachUsersHeldOutPartBegins() throws {
        for spec in [SplitSpec.temporal(0.2), .leaveLast(2)] {
            let split = try Split(dataset, spec)
            #expect(split.isByTime)
            for user in 0..<dataset.userCount {
                #expect(split.requestTime(of: user) == split.test[user].map(\.timestamp).min())
            }
        }
        let random = try Split(dataset, .random(0.2, seed: 1))
        #expect(!random.isByTime && random.requestTime(of: 0) == nil)
        let folder = try TemporaryDirectory()
        try random.export(to: folder.path)
        let files = try Split(
            dataset, .files(train: "\(folder.path)/train.tsv", test: "\(folder.path)/test.tsv"))
        #expect(
            !files.isByTime, "a random split's files hold test interactions before training ones")
    }
}

/// Nominates fixed lists per user id (skipping excluded items) and predicts fixed ratings.
private struct ScriptedModel: CandidateModel {
    var lists: [String: [Candidate]]
    var ratings: [ItemIndex: Double] = [:]

    func candidates(for query: Query, limit: Int) -> [Candidate] {
        Array(
            (lists[query.userID] ?? []).filter { !query.excluded.contains($0.item) }.prefix(limit))
    }

    func explain(item: ItemIndex, for query: Query) -> Explanation {
        let score = candidates(for: query, limit: .max).first { $0.item == item }?.score
        return Explanation(
            terms: score.map { [Reason(.modelTerm, value: $0, subject: .named("script"))] } ?? [])
    }

    func unavailability(for query: Query) -> Unavailability? {
        lists[query.userID] == nil ? .unknownUser : nil
    }
    func predictRating(of item: ItemIndex, for query: Query) -> Double? { ratings[item] }

    static let formatVersion = 1
    func write(to writer: inout ArtifactWriter) {}
    init(lists: [String: [Candidate]], ratings: [ItemIndex: Double] = [:]) {
        self.lists = lists
        self.ratings = ratings
    }
    init(reading reader: inout ArtifactReader) throws(ArtifactError) { lists = [:] }
}

/// Orders the pool by the sum of its nominations' scores.
private struct SumRanker: RankerModel {
    func rank(_ pool: CandidatePool, for query: Query) -> [Ranked] {
        pool.entries.map { entry in
            let contributions = entry.nominations.map {
                Contribution(.stage, value: $0.score, source: pool.sources[$0.source])
            }
            return Ranked(
                item: entry.item, score: contributions.reduce(0) { $0 + $1.value },
                contributions: contributions)
        }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.item < $1.item }
    }

    static let formatVersion = 1
    func write(to writer: inout ArtifactWriter) {}
    init() {}
    init(reading reader: inout ArtifactReader) throws(ArtifactError) {}
}

@Suite struct EvaluatorTests {
    /// Items a–e (0–4). Leave-last-1 holds out u1's c (5), u2's e (4) and u3's c (1, not
    /// relevant at threshold 4); u4 has one interaction and nothing held out.
    func split() throws -> Split {
        var builder = DatasetBuilder()
        for item in ["a", "b", "c", "d", "e"] { builder.addItem(item) }
        let rows: [(String, String, Float)] = [
            ("u1", "a", 5), ("u1", "b", 4), ("u1", "c", 5), ("u2", "a", 3), ("u2", "d", 2),
            ("u2", "e", 4),
            ("u3", "b", 2), ("u3", "c", 1), ("u4", "d", 5),
        ]
        for (time, row) in rows.enumerated() {
            builder.addInteraction(user: row.0, item: row.1, rating: row.2, timestamp: Int64(time))
        }
        return try Split(builder.build(), .leaveLast(1))
    }

    @Test func everyFigureMatchesAHandComputation() throws {
        let split = try split()
        let (a, b, c, d, e) = (0, 1, 2, 3, 4)
        let first = ScriptedModel(
            lists: [
                "u1": [
                    Candidate(item: c, score: 0.9), Candidate(item: d, score: 0.8),
                    Candidate(item: e, score: 0.7),
                ],
                "u2": [
                    Candidate(item: b, score: 0.6), Candidate(item: c, score: 0.4),
                    Candidate(item: e, score: 0.3),
                ],
                "u3": [Candidate(item: a, score: 1)],
            ], ratings: [c: 4, e: 4.5])
        let second = ScriptedModel(lists: [
            "u1": [Candidate(item: e, score: 0.5)], "u2": [Candidate(item: e, score: 0.9)],
        ])
        let pipeline = FittedPipeline(
            name: "p", resultCount: 2, dataset: split.train,
            stages: [
                .init(
                    name: "first", type: "scripted", limit: 2, model: first,
                    capabilities: [.ratingPrediction]),
                .init(name: "second", type: "scripted", limit: 1, model: second),
            ],
            rankerType: "sum", ranker: SumRanker(), filters: [ExcludeSeen()]
        )
        var saved: [String: [ItemIndex]] = [:]
        let report = try Evaluator.evaluate(
            pipeline, split: split, splitName: "leave-last:1", k: 2, threshold: 4
        ) { user, items in
            saved[split.train.userIDs[user]] = items.map(\.item)
        }
        // u1: first [c, d], second [e], pool ranked c .9, d .8, e .5; relevant {c}.
        // u2: first [b, c], second [e], pool ranked e .9, b .6, c .4; relevant {e}.
        #expect(saved == ["u1": [c, d], "u2": [e, b]])
        #expect(
            report.usersEvaluated == 2 && report.usersSkipped == 1 && report.testInteractions == 3)
        #expect(report.generators.map(\.recallAtLimit) == [0.5, 0.5])
        #expect(report.unionRecall == 1)
        let half = EvaluationReport.ListScores(
            precision: 0.25, recall: 0.5, ndcg: 0.5, map: 0.5, hitRate: 0.5)
        #expect(report.generators.map(\.topK) == [half, half])
        #expect(
            report.final
                == EvaluationReport.ListScores(
                    precision: 0.5, recall: 1, ndcg: 1, map: 1, hitRate: 1))
        #expect(report.coverage == 0.8)  // b, c, d, e of five items
        // Training counts a 2, b 2, d 2, c 0, e 0 give popularity ranks a 1, b 2, d 3, c 4, e 5.
        #expect(report.meanPopularityRank == 3.5)  // (4 + 3 + 5 + 2) / 4
        // b, c, d, e once each and a never: sorted 0, 1, 1, 1, 1 over five items.
        #expect(abs(report.beyondAccuracy.gini - 0.2) < 1e-12)
        // Of four users, c and e had none (counted as one: 2 bits), b and d two (1 bit).
        #expect(report.beyondAccuracy.novelty == 1.5)
        #expect(report.beyondAccuracy.intraListDiversity == nil)
        #expect(report.beyondAccuracy.calibration == nil)
        // First predicts c 4 and e 4.5 against held-out c 5 (u1), e 4 (u2), c 1 (u3).
        let rating = try #require(report.ratingPredictors.first)
        #expect(report.ratingPredictors.count == 1 && rating.stage == "first" && rating.count == 3)
        #expect(abs(rating.rmse - (10.25 / 3).squareRoot()) < 1e-12)
        #expect(abs(rating.mae - 1.5) < 1e-12)
        #expect(report.relevanceThreshold == 4)
    }

    @Test func withoutRatingsEveryHeldOutInteractionIsRelevant() throws {
        var builder = DatasetBuilder()
        for (time, row) in [("u1", "a"), ("u1", "b"), ("u2", "a"), ("u2", "b")].enumerated() {
            builder.addInteraction(user: row.0, item: row.1, timestamp: Int64(time))
        }
        let split = try Split(builder.build(), .leaveLast(1))
        let model = ScriptedModel(lists: [
            "u1": [Candidate(item: 1, score: 1)],
            "u2": [Candidate(item: 0, score: 2), Candidate(item: 1, score: 1)],
        ])
        let pipeline = FittedPipeline(
            name: "p", resultCount: 1, dataset: split.train,
            stages: [.init(name: "only", type: "scripted", limit: 1, model: model)],
            rankerType: "sum", ranker: SumRanker(), filters: [ExcludeSeen()]
        )
        let report = try Evaluator.evaluate(
            pipeline, split: split, splitName: "leave-last:1", k: 1, threshold: 4)
        #expect(report.relevanceThreshold == nil)
        #expect(
            report.usersEvaluated == 2 && report.final.hitRate == 1
                && report.ratingPredictors.isEmpty)
    }
}
