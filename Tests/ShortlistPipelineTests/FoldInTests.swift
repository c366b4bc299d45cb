import Foundation
import ShortlistCore
import ShortlistPipeline
import ShortlistTestSupport
import Testing

/// A request's fresh history: generators that keep a fitted representation per user solve it
/// for the request, the others read it, and exclude-seen covers it.
@Suite struct FoldInTests {
    static let pipelines = """
        pipelines:
          default:
            n: 10
            candidates:
              - {name: als, type: matrix-factorization, limit: 10, factors: 8, cg-steps: 20}
              - {name: svd, type: matrix-factorization, limit: 10, objective: explicit, factors: 8, epochs: 60, learning-rate: 0.01}
              - {name: content, type: tfidf, limit: 10, fields: [genres]}
              - {name: triplet, type: triplet-embedding, limit: 10, dimensions: 16, epochs: 15, learning-rate: 0.01}
              - {name: popular, type: weighted-rating, limit: 10}
            ranker: {type: weighted-average}
        """

    /// Six items of planted cluster 2, rated 5, as a new user's history.
    func clusterTwo(_ pipeline: FittedPipeline) throws -> [FreshInteraction] {
        try [2, 6, 10, 14, 18, 22].map {
            FreshInteraction(item: try #require(pipeline.dataset.item("i\($0)")), rating: 5)
        }
    }

    @Test func aNewUsersHistoryOfOneClusterBringsThatClustersItems() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let pipeline = try fixture.prepare()
        let history = try clusterTwo(pipeline)
        let (_, cold) = pipeline.recommendWithTrace(Request(userID: "newbie"))
        let (response, trace) = pipeline.recommendWithTrace(
            Request(userID: "newbie", history: history))
        let items = response.items
        #expect(trace.freshInteractions == 6)
        #expect(trace.query.foldsIn)
        let clusters = fixture.planted.itemCluster
        // Explicit MF predicts ratings: its lists are led by item biases even for fitted users,
        // so it is checked on what it predicts (below).
        for (index, step) in trace.generators.enumerated()
        where !["popular", "svd"].contains(step.name) {
            #expect(cold.generators[index].candidates.isEmpty, "\(step.name) without history")
            let share =
                Double(step.candidates.filter { clusters[$0.item] == 2 }.count)
                / Double(max(step.candidates.count, 1))
            #expect(step.candidates.count == 10, "\(step.name)")
            #expect(share >= 0.8, "\(step.name): \(share) of its items in cluster 2")
        }
        // Popularity knows nothing of the user: the planted structure is not a shortcut.
        let popular = try #require(trace.generators.last)
        #expect(popular.candidates.filter { clusters[$0.item] == 2 }.count <= 5)
        let svd = try #require(pipeline.stages.first { $0.name == "svd" })
        func gap(_ query: Query) -> Double {
            let items = 0..<pipeline.dataset.itemCount
            let predicted = items.map { svd.model.predictRating(of: $0, for: query) ?? .nan }
            let inside = items.filter { clusters[$0] == 2 }.map { predicted[$0] }
            let outside = items.filter { clusters[$0] != 2 }.map { predicted[$0] }
            return inside.reduce(0, +) / Double(inside.count) - outside.reduce(0, +)
                / Double(outside.count)
        }
        // Planted ratings are 4–5 inside a user's cluster and 1–2 outside it: the predictions
        // for a folded-in member of cluster 2 lean as a fitted member's do, a cold user's not.
        let members = (0..<pipeline.dataset.userCount).filter {
            fixture.planted.userCluster[$0] == 2
        }
        let fitted =
            members.map { gap(pipeline.query(forUserID: "u\($0)")) }.reduce(0, +)
            / Double(members.count)
        #expect(fitted > 0.3, "fitted members: \(fitted)")
        #expect(gap(trace.query) > 0.5 * fitted, "folded in: \(gap(trace.query)), fitted \(fitted)")
        #expect(abs(gap(cold.query)) < 0.2 * fitted, "cold: \(gap(cold.query))")
        // A folded-in history is solved exactly, so ALS's explanation has no fit gap.
        let als = try #require(pipeline.stages.first)
        let top = try #require(trace.generators[0].candidates.first)
        let explanation = als.model.explain(item: top.item, for: trace.query)
        #expect(abs(explanation.total - top.score) < 1e-6)
        let remainder = try #require(
            explanation.terms.first { $0.subject == .remainder(.fitApproximation) })
        #expect(abs(remainder.value) < 1e-3 * abs(top.score))
        #expect(explanation.terms.filter { $0.kind == .historyItem }.count == 6)
        let shown = Set(history.map(\.item))
        #expect(items.allSatisfy { !shown.contains($0.item) }, "exclude-seen covers it")
    }

    @Test func foldingInAKnownUsersOwnHistoryRecoversTheFittedList() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let pipeline = try fixture.prepare()
        let als = try #require(pipeline.stages.first)
        var agreeing = 0
        var total = 0
        for user in stride(from: 0, to: pipeline.dataset.userCount, by: 7) {
            let fitted = pipeline.query(forUserID: "u\(user)")
            var folded = fitted
            folded.foldsIn = true
            let a = als.model.candidates(for: fitted, limit: 10).map(\.item)
            let b = als.model.candidates(for: folded, limit: 10).map(\.item)
            agreeing += Set(a).intersection(b).count
            total += 10
        }
        #expect(Double(agreeing) / Double(total) >= 0.9)
    }

    @Test func aFreshInteractionReplacesTheSameItemsAndFollowsTheData() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let pipeline = try fixture.prepare()
        let dataset = pipeline.dataset
        let user = try #require(dataset.user("u5"))
        let first = dataset.byUser.columns[dataset.byUser.range(of: user)].first!
        let new = try #require(dataset.item("i0"))
        let query = dataset.query(
            forUserID: "u5",
            fresh: [
                FreshInteraction(item: new, timestamp: 20),
                FreshInteraction(item: Int(first), rating: 1, timestamp: 10),
            ], unrated: pipeline.unratedRating)
        let known = dataset.query(forUserID: "u5")
        #expect(
            query.historyItems.count == known.historyItems.count
                + (known.historyItems.contains(Int32(new)) ? 0 : 1))
        #expect(Array(query.historyItems.suffix(2)) == [first, Int32(new)])
        #expect(Array(query.historyRatings.suffix(2)) == [1, 5])
        #expect(pipeline.unratedRating == 5)
        #expect(query.foldsIn && !known.foldsIn)
    }
}
