import ShortlistCore
import ShortlistTestSupport
import Testing

@testable import WeightedRatingPlugin

private func params(_ values: [String: Double]) throws -> WeightedRating.Params {
    let fields = values.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }
    return try parameters(json: "{" + fields.joined(separator: ", ") + "}")
}

@Suite struct WeightedRatingTests {
    /// Item a: 4 votes of 5; item b: 1 vote of 5; item c: 5 votes of 2.
    func votes() -> Dataset {
        var builder = DatasetBuilder()
        for user in 0..<4 {
            builder.addInteraction(user: "u\(user)", item: "a", rating: 5, timestamp: 100)
        }
        builder.addInteraction(user: "u0", item: "b", rating: 5, timestamp: 100)
        for user in 0..<5 {
            builder.addInteraction(user: "u\(user)", item: "c", rating: 2, timestamp: 100)
        }
        builder.addItem("unrated")
        return builder.build()
    }

    @Test func handComputedWeightedRatings() throws {
        let model = try WeightedRating.make(try params(["min-votes": 2]), context: .test).fit(
            TrainingData(dataset: votes()), progress: .silent)
        // C = (4·5 + 5 + 5·2) / 10 = 3.5, m = 2.
        #expect(model.globalMean == 3.5)
        #expect(abs(model.scores[0] - (4.0 / 6 * 5 + 2.0 / 6 * 3.5)) < 1e-12)
        #expect(abs(model.scores[1] - (1.0 / 3 * 5 + 2.0 / 3 * 3.5)) < 1e-12)
        #expect(abs(model.scores[2] - (5.0 / 7 * 2 + 2.0 / 7 * 3.5)) < 1e-12)
        #expect(model.scores[3] == 3.5)
        let query = Query(userID: "x", user: nil, excluded: ItemSet(capacity: 4))
        #expect(model.candidates(for: query, limit: 10).map(\.item) == [0, 1, 3, 2])
        let explanation = model.explain(item: 0, for: query)
        #expect(
            explanation.terms.map(\.subject) == [.named("own-mean-share"), .named("prior-share")])
        #expect(explanation.terms.map(\.value) == [4.0 / 6 * 5, 2.0 / 6 * 3.5])
        #expect(explanation.total == model.scores[0])
        #expect(
            explanation.details.map(\.subject)
                == [
                    "votes", "mean-rating", "global-mean-rating", "min-votes",
                ].map(Subject.named))
        #expect(explanation.details.map(\.value) == [4, 5, 3.5, 2])
    }

    @Test func minVotesDefaultsToTheNinetiethPercentileOfRatedItems() throws {
        let model = try WeightedRating.make(try params([:]), context: .test).fit(
            TrainingData(dataset: votes()), progress: .silent)
        #expect(abs(model.minVotes - 4.8) < 1e-12)  // vote counts 1, 4, 5 → 90th percentile 4.8
    }

    @Test func halfLifeFavoursRecentVotes() throws {
        var builder = DatasetBuilder()
        let day: Int64 = 86_400
        for user in 0..<6 {
            builder.addInteraction(user: "u\(user)", item: "old", rating: 5, timestamp: 0)
        }
        for user in 0..<3 {
            builder.addInteraction(user: "u\(user)", item: "new", rating: 4, timestamp: 100 * day)
        }
        for user in 0..<10 {
            builder.addInteraction(
                user: "u\(user)", item: "anchor", rating: 2, timestamp: 100 * day)
        }
        let dataset = builder.build()
        let plain = try WeightedRating.make(try params(["min-votes": 1]), context: .test).fit(
            TrainingData(dataset: dataset), progress: .silent)
        let decayed = try WeightedRating.make(
            try params(["min-votes": 1, "half-life-days": 10]), context: .test
        ).fit(TrainingData(dataset: dataset), progress: .silent)
        let query = Query(userID: "x", user: nil, excluded: ItemSet(capacity: 3))
        #expect(plain.candidates(for: query, limit: 1).map(\.item) == [0])
        #expect(decayed.candidates(for: query, limit: 1).map(\.item) == [1])
        #expect(abs(decayed.votes[0] - 6 * 0.0009765625) < 1e-12)  // ten half-lives: 2⁻¹⁰ each
    }

    @Test func passesTheContractCheck() throws {
        let dataset = PlantedClusters().dataset
        let problems = try checkCandidateGenerator(
            { try WeightedRating.make(try params([:]), context: .test) }, on: dataset)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func rejectsParametersThatCannotWork() throws {
        #expect(
            throws: ParameterError(
                keyPath: ["min-votes-quantile"],
                message: "'min-votes-quantile' must be between 0 and 1, found 1.5")
        ) {
            try params(["min-votes-quantile": 1.5])
        }
        #expect(
            throws: ParameterError(
                keyPath: ["half-life-days"],
                message: "'half-life-days' must be positive and "
                    + "at most 1000000, found 0")
        ) {
            try params(["half-life-days": 0])
        }
        #expect(
            throws: ParameterError(
                keyPath: ["min-votes"],
                message: "'min-votes' must be between 0 and "
                    + "1000000000000, found -1")
        ) {
            try params(["min-votes": -1])
        }
    }
}
