import ShortlistCore
import ShortlistTestSupport
import Testing

@testable import WeightedAveragePlugin

@Suite struct WeightedAverageTests {
    let context = BuildContext(stageName: "p", sourceNames: ["a", "b"], seed: 1)
    let query = Query(userID: "x", user: nil, excluded: ItemSet(capacity: 10))
    /// Source a scores items 1, 2, 3 as 10, 6, 2; source b scores items 3, 4 as 1, 0.
    var pool: CandidatePool {
        CandidatePool(
            sources: ["a", "b"],
            lists: [
                [
                    Candidate(item: 1, score: 10), Candidate(item: 2, score: 6),
                    Candidate(item: 3, score: 2),
                ],
                [Candidate(item: 3, score: 1), Candidate(item: 4, score: 0)],
            ])
    }

    func model(_ json: String) throws -> WeightedAverage.Model {
        try WeightedAverage.make(try parameters(json: json), context: context).fit(
            RankerTrainingData(dataset: DatasetBuilder().build(), sources: ["a", "b"]),
            progress: .silent)
    }

    @Test func minMaxWithWeights() throws {
        let ranked = try model(#"{"weights": {"b": 2}}"#).rank(pool, for: query)
        // a: (10,6,2) → 1, 0.5, 0; b: (1,0) → 1, 0 with weight 2.
        #expect(ranked.map(\.item) == [3, 1, 2, 4])
        #expect(ranked.map(\.score) == [2, 1, 0.5, 0])
        #expect(
            ranked[0].contributions == [
                Contribution(
                    .stage, value: 0,
                    factors: [Factor("score", 2), Factor("min-max", 0), Factor("weight", 1)],
                    source: "a"),
                Contribution(
                    .stage, value: 2,
                    factors: [Factor("score", 1), Factor("min-max", 1), Factor("weight", 2)],
                    source: "b"),
            ])
        #expect(
            ranked[1].contributions[1]
                == Contribution(.stage, value: 0, source: "b"))
    }

    @Test func zScore() throws {
        let ranked = try model(#"{"normalization": "z-score"}"#).rank(pool, for: query)
        let deviation = (32.0 / 3).squareRoot()  // scores 10, 6, 2: mean 6
        #expect(ranked.first?.item == 1)
        #expect(abs(ranked[0].score - 4 / deviation) < 1e-12)
        let item3 = try #require(ranked.first { $0.item == 3 })
        #expect(abs(item3.score - (-4 / deviation + 1)) < 1e-12)  // b: scores 1, 0 → z = 1
    }

    @Test func reciprocalRank() throws {
        let ranked = try model(#"{"normalization": "reciprocal-rank", "rank-constant": 1}"#).rank(
            pool, for: query)
        // item 3: 1/(1+3) + 1/(1+1) = 0.75; item 1: 1/2; item 4: 1/3; item 2: 1/3.
        #expect(ranked.map(\.item) == [3, 1, 2, 4])
        #expect(ranked.map(\.score) == [0.75, 0.5, 1.0 / 3, 1.0 / 3])
    }

    @Test func passesTheContractCheck() throws {
        for json in [
            #"{}"#, #"{"normalization": "z-score"}"#, #"{"normalization": "reciprocal-rank"}"#,
        ] {
            let problems = try checkRanker(
                try model(json),
                pools: [
                    (pool, query), (CandidatePool(sources: ["a", "b"], lists: [[], []]), query),
                ])
            #expect(problems.isEmpty, "\(json): \(problems)")
        }
    }

    @Test func rejectsWeightsForMissingStages() throws {
        #expect(
            throws: ParameterError(
                keyPath: ["weights", "c"],
                message:
                    "'weights' names 'c', which is not a candidate stage of pipeline 'p'; its "
                    + "stages are a, b",
                isAboutKey: true)
        ) {
            try WeightedAverage.make(
                try parameters(json: #"{"weights": {"c": 1}}"#), context: context)
        }
    }
}

@Suite struct LearnedWeightedAverageTests {
    /// Twenty pools of ten items: source a scores the positives (items 0 and 1) lowest, source b
    /// highest; a learner must move the weight to b.
    func pools() -> [LabelledPool] {
        (0..<20).map { user in
            let items = Array(0..<10)
            let a = items.map { Candidate(item: $0, score: Double($0)) }.sorted {
                $0.score > $1.score
            }
            let b = items.map {
                Candidate(item: $0, score: Double(10 - $0) + Double(user % 3) * 0.1)
            }
            .sorted { $0.score > $1.score }
            return LabelledPool(
                query: Query(userID: "u\(user)", user: nil, excluded: ItemSet(capacity: 10)),
                pool: CandidatePool(sources: ["a", "b"], lists: [a, b]), positives: [0, 1], asOf: 0)
        }
    }

    func ranker(_ json: String) throws -> WeightedAverage {
        try WeightedAverage.make(
            try parameters(json: json),
            context: BuildContext(stageName: "p", sourceNames: ["a", "b"], seed: 1))
    }

    @Test func learnsTheWeightsThatRankTheLabelledPoolsBest() throws {
        let data = RankerTrainingData(
            dataset: DatasetBuilder().build(), sources: ["a", "b"], pools: pools())
        let fixed = try ranker(#"{"weights": {"a": 1, "b": 0.5}}"#).fit(data, progress: .silent)
        #expect(fixed.weights == [1, 0.5])
        let learner = try ranker(#"{"weights": {"a": 1, "b": 0.5}, "learn": true, "holdout": 0.3}"#)
        #expect(learner.twoStage == TwoStageTraining(holdout: 0.3, positiveRating: 4))
        let learned = try learner.fit(data, progress: .silent)
        #expect(learned.weights[1] > learned.weights[0], "\(learned.weights)")
        for pool in pools() {
            #expect(Set(learned.rank(pool.pool, for: pool.query).prefix(2).map(\.item)) == [0, 1])
        }
        #expect(try ranker("{}").twoStage == nil)
    }
}
