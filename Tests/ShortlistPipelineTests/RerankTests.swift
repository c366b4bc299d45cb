import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline
import ShortlistTestSupport
import Testing

/// The fixture's default pipeline with a `rerank:` section (planted data: four clusters, each
/// its own genre, so a user's best items share a genre).
private func pipelines(rerank: String, ranker: String = "{type: weighted-average}") -> String {
    """
    pipelines:
      default:
        n: 5
        candidates:
          - {name: popular, type: weighted-rating, limit: 30}
          - {name: together, type: item-cooccurrence, limit: 30}
          - {name: als, type: matrix-factorization, factors: 8, epochs: 5, limit: 30}
        ranker: \(ranker)
    \(rerank.isEmpty ? "" : "    rerank: \(rerank)")
    """
}

@Suite struct RerankTests {
    let users = (0..<24).map { "u\($0)" }

    @Test func aCapHoldsInEveryResponseAndLeavesTheRankersOrderAndTermsAsTheyWere() throws {
        let plain = try Fixture(pipelines: pipelines(rerank: "")).prepare()
        let capped = try Fixture(
            pipelines: pipelines(
                rerank: "{window: 20, steps: [{type: cap, field: genre, max: 1, per: 2}]}")
        ).prepare()
        var moved = 0
        for user in users {
            let (response, trace) = capped.recommendWithTrace(Request(userID: user))
            let genres = response.items.map { capped.dataset.items[$0.item].genres }
            for place in genres.indices.dropFirst() {
                #expect(Set(genres[place]).isDisjoint(with: genres[place - 1]))
            }
            // The ranker's order is the plain pipeline's; the steps reorder its first 20.
            let ranked = plain.recommendWithTrace(Request(userID: user)).1.ranked
            #expect(trace.ranked.map(\.item) == ranked.map(\.item))
            #expect(Set(trace.final.prefix(20).map(\.item)) == Set(ranked.prefix(20).map(\.item)))
            #expect(Array(trace.final.dropFirst(20)) == Array(ranked.dropFirst(20)))
            #expect(Array(trace.final.prefix(response.items.count)) == response.items)
            for item in response.items {
                let original = try #require(ranked.first { $0.item == item.item })
                #expect(item.score == original.score)
                #expect(item.contributions == original.contributions)
                // The terms still add up to the score; the step's move is a line of its own.
                #expect(abs(item.contributions.reduce(0) { $0 + $1.value } - item.score) < 1e-9)
                let from = try #require(ranked.firstIndex { $0.item == item.item }) + 1
                let to = try #require(trace.final.firstIndex { $0.item == item.item }) + 1
                #expect(item.moves.map(\.step) == (from == to && item.moves.isEmpty ? [] : ["cap"]))
                if let move = item.moves.first {
                    #expect((move.from, move.to) == (from, to))
                    moved += 1
                }
            }
            #expect(capped.recommendAll([user])[0] == response.items)
        }
        #expect(moved > 0)
    }

    @Test func explainSaysAnItemWasPushedOutByTheCapOrWasBelowTheWindow() throws {
        let pipeline = try Fixture(
            pipelines: pipelines(
                rerank: "{window: 8, steps: [{type: cap, field: genre, max: 1, per: 2}]}")
        ).prepare()
        var pushed = 0
        for user in users {
            let (response, trace) = pipeline.recommendWithTrace(Request(userID: user))
            let shown = Set(response.items.map(\.item))
            for (index, item) in trace.ranked.prefix(5).enumerated()
            where !shown.contains(item.item) {
                let explanation = try pipeline.explain(
                    userID: user, itemID: pipeline.dataset.itemIDs[item.item])
                guard case .pushedOut(let rankerRank, let rank) = explanation.outcome else {
                    Issue.record("\(user): \(explanation.outcome)")
                    continue
                }
                #expect(rankerRank == index + 1)
                #expect(rank > response.items.count)
                let move = try #require(explanation.ranked?.moves.last)
                #expect(move.step == "cap")
                guard case .capped(.genre, let value, 1, 2) = move.reason else {
                    Issue.record("\(user): \(String(describing: move.reason))")
                    continue
                }
                #expect(pipeline.dataset.items[item.item].genres == [value])
                #expect(Words.move(move, in: pipeline).contains("held back: 1 item of genre"))
                pushed += 1
            }
            if let below = trace.ranked.dropFirst(8).first {
                let explanation = try pipeline.explain(
                    userID: user, itemID: pipeline.dataset.itemIDs[below.item])
                #expect(explanation.outcome == .belowWindow(rank: 9, window: 8))
            }
        }
        #expect(pushed > 0)
    }

    @Test func theRequestsLambdaOverridesTheMMRStepForThatRequestOnly() throws {
        let pipeline = try Fixture(
            pipelines: pipelines(
                rerank: "{window: 20, steps: [{type: mmr, lambda: 1, similarity: genre}]}")
        ).prepare()
        var changed = 0
        for user in users {
            let (kept, trace) = pipeline.recommendWithTrace(Request(userID: user))
            #expect(kept.items.map(\.item) == trace.ranked.prefix(5).map(\.item))
            let varied = pipeline.recommendWithTrace(Request(userID: user, lambda: 0)).0.items
            let genres = varied.prefix(4).map { pipeline.dataset.items[$0.item].genres }
            // Four clusters, four genres: λ = 0 shows each before repeating one, when the
            // window holds all four.
            let available = Set(
                trace.ranked.prefix(20).flatMap { pipeline.dataset.items[$0.item].genres })
            #expect(Set(genres.joined()).count == min(4, available.count))
            if varied.map(\.item) != kept.items.map(\.item) { changed += 1 }
        }
        #expect(changed > 0)
    }

    @Test func mmrComparesItemsByAStagesEmbeddings() throws {
        let pipeline = try Fixture(
            pipelines: pipelines(
                rerank: "{window: 20, steps: [{type: mmr, lambda: 0.3, similarity: als}]}")
        ).prepare()
        let embeddings = try #require(pipeline.stages[2].model.itemEmbeddings)
        let items = pipeline.recommendWithTrace(Request(userID: "u3")).0.items
        for (place, item) in items.enumerated().dropFirst() {
            guard
                case .marginalRelevance(_, let nearest?, let similarity, 0.3) = item.moves.last?
                    .reason
            else {
                Issue.record("place \(place + 1) has no MMR reason with a nearest item")
                continue
            }
            #expect(items.prefix(place).contains { $0.item == nearest })
            let largest = items.prefix(place).map { embeddings.cosine(item.item, $0.item) }.max()
            #expect(similarity == largest)
        }
    }

    @Test func badStepsAreLocatedErrors() throws {
        let fixture = try Fixture()
        // Each error points at line 13 (the rerank section), at the column of what is wrong.
        let cases: [(rerank: String, ranker: String, column: Int, message: String)] = [
            (
                "{steps: [{type: mmx}]}", "{type: weighted-average}", 29,
                "unknown re-rank step type 'mmx'. Did you mean 'mmr'?"
            ),
            (
                "{steps: [{type: mmr, similarity: together}]}", "{type: weighted-average}", 46,
                "stage 'together' (item-cooccurrence) has no item embeddings to compare items by; "
                    + "stages with them: als"
            ),
            (
                "{window: 0, steps: [{type: cap}]}", "{type: weighted-average}", 22,
                "'window' in the rerank section of pipeline 'default' must be positive, found 0"
            ),
            (
                "{steps: []}", "{type: weighted-average}", 21,
                "'steps' in the rerank section of pipeline 'default' is empty; give at least one "
                    + "step, or remove the section"
            ),
            (
                "{steps: [{type: cap, max: 2, per: 5, colour: red}]}", "{type: weighted-average}",
                50,
                "unknown key 'colour' in 'cap'"
            ),
            (
                "{steps: [{type: cap}]}", "{type: bandit, arms: [popular, together]}", 5,
                "pipeline 'default' blends arms with a bandit, whose logged propensities are "
                    + "those of its own order; a 'rerank' section would show another"
            ),
        ]
        let rules: [(rerank: String, ranker: String, column: Int, message: String)] = [
            (
                "{steps: [{type: rules, bury: {genre: [g9]}}]}", "{type: weighted-average}", 43,
                "'bury' names the genre 'g9', which no item has. Did you mean 'g0'?"
            )
        ]
        for (rerank, ranker, column, message) in cases + rules {
            try fixture.rewrite(pipelines(rerank: rerank, ranker: ranker))
            do {
                _ = try fixture.prepare()
                Issue.record("no error for \(rerank)")
            } catch let error as ConfigurationError {
                #expect(error.message.hasPrefix(message), "\(error.message)")
                #expect(error.line == 13 && error.column == column, "\(rerank)")
            }
        }
    }

    @Test func aCapOnAFieldTheDatasetLacksIsALocatedErrorBeforeAnyFit() throws {
        let folder = try TemporaryDirectory()
        try folder.write("ratings.csv", "user,item,rating\na,x,5\nb,y,4\n")
        let path = try folder.write(
            "pipelines.yaml",
            """
            dataset:
              format: delimited
              interactions: {file: ratings.csv, user: user, item: item, rating: rating}
            pipelines:
              default:
                candidates:
                  - {name: popular, type: weighted-rating}
                ranker: {type: weighted-average}
                rerank: {steps: [{type: cap, field: decade, max: 1, per: 3}]}
            """)
        let workspace = try Workspace(path: path, registry: registry)
        #expect(
            throws: ConfigurationError(
                .invalidValue, file: path, line: 9, column: 41,
                message:
                    "re-rank step 'cap' needs item years, which the dataset lacks; give the "
                    + "dataset an items file with that column ('items:' of a delimited dataset), "
                    + "or change the setting",
                sourceLine: "    rerank: {steps: [{type: cap, field: decade, max: 1, per: 3}]}"
            )
        ) {
            try workspace.prepare(pipeline: nil, dataset: try workspace.loadDataset())
        }
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/.shortlist/artifacts"))
    }
}

@Suite struct FieldFilterTests {
    @Test func aRequestsFieldFiltersActBeforeAnyStageNominates() throws {
        let pipeline = try Fixture(
            pipelines: """
                pipelines:
                  default:
                    n: 5
                    candidates:
                      - {name: popular, type: weighted-rating, limit: 8}
                      - {name: als, type: matrix-factorization, factors: 8, epochs: 5, limit: 8}
                    ranker: {type: weighted-average}
                """
        ).prepare()
        let only = try FieldFilter(parsing: "genre=g1", keeps: true)
        let without = try FieldFilter(parsing: "genre=g0,g2", keeps: false)
        for user in ["u0", "u4", "u8"] {
            // A user of cluster 0, whose stages nominate mostly genre g0 unfiltered.
            let (response, trace) = pipeline.recommendWithTrace(
                Request(userID: user, fields: [only]))
            for step in trace.generators {
                // The whole budget goes to items the filter keeps (20 items have g1).
                #expect(step.candidates.count == 8)
                #expect(
                    step.candidates.allSatisfy { pipeline.dataset.items[$0.item].genres == ["g1"] })
            }
            #expect(response.items.count == 5)
            #expect(trace.filters.last?.name == "only genre=g1")
            for item in 0..<pipeline.dataset.itemCount
            where pipeline.dataset.items[item].genres != ["g1"] {
                #expect(trace.query.excluded.contains(item))
            }
            let both = pipeline.recommendWithTrace(Request(userID: user, fields: [without])).0
            #expect(
                both.items.allSatisfy {
                    ["g1", "g3"].contains(pipeline.dataset.items[$0.item].genres[0])
                })
            let hidden = try #require(
                pipeline.recommend(userID: user).first {
                    pipeline.dataset.items[$0.item].genres != ["g1"]
                })
            let explanation = try pipeline.explain(
                userID: user, itemID: pipeline.dataset.itemIDs[hidden.item], fields: [only])
            #expect(explanation.outcome == .filtered(by: ["only genre=g1"]))
        }
    }

    @Test func aFieldFilterNamingWhatTheCatalogueLacksIsAnErrorThatSuggests() throws {
        let pipeline = try Fixture().prepare()
        #expect(throws: DataError(.unknownID, "no item has the genre 'g9'. Did you mean 'g0'?")) {
            try pipeline.check(FieldFilter(field: .genre, values: ["g9"], keeps: true))
        }
        #expect(throws: DataError.self) { try FieldFilter(parsing: "genre=", keeps: true) }
        #expect(throws: DataError.self) { try FieldFilter(parsing: "colour=red", keeps: true) }
        #expect(
            try FieldFilter(parsing: "decade=1990s,2000s", keeps: false).values == [
                "1990s", "2000s",
            ])
    }
}
