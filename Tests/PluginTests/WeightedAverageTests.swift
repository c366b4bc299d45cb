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
                    name: "a", value: 0,
                    factors: [Factor("score", 2), Factor("min-max", 0), Factor("weight", 1)]),
                Contribution(
                    name: "b", value: 2,
                    factors: [Factor("score", 1), Factor("min-max", 1), Factor("weight", 2)]),
            ])
        #expect(ranked[1].contributions[1] == Contribution(name: "b", value: 0))
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
                    "'weights' names 'c', which is not a candidate stage of pipeline 'p'; its stages are a, b",
                isAboutKey: true)
        ) {
            try WeightedAverage.make(
                try parameters(json: #"{"weights": {"c": 1}}"#), context: context)
        }
    }
}
