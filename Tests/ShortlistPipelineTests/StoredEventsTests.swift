import BuiltInPlugins
import ShortlistCore
import ShortlistData
import ShortlistPipeline
import ShortlistTestSupport
import Testing

/// A user's stored events folded into a request: they reach every stage as the request's own
/// history does, and negative feedback removes an item.
@Suite struct StoredEventsTests {
    static let pipelines = """
        pipelines:
          default:
            n: 10
            candidates:
              - {name: als, type: matrix-factorization, limit: 10, factors: 8, cg-steps: 20}
              - {name: content, type: tfidf, limit: 10, fields: [genres]}
              - {name: popular, type: weighted-rating, limit: 10}
            ranker: {type: weighted-average}
        """
    let policy = EventPolicy(
        kinds: [
            EventPolicy.Kind("rating", .rating), EventPolicy.Kind("view", .weight(0.3)),
            EventPolicy.Kind("click", .weight(1)), EventPolicy.Kind("dislike", .weight(-1)),
        ])

    func event(_ item: String, _ kind: String, user: String = "newbie", at time: Double)
        -> Event
    {
        Event(user: user, item: item, kind: kind, value: kind == "rating" ? 4 : nil, time: time)
    }

    @Test func aNewUsersClicksBringTheirClusterOnTheNextRequest() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let pipeline = try fixture.prepare()
        let clicks = [2, 6, 10, 14, 18, 22].enumerated().map {
            event("i\($1)", "click", at: Double(1000 + $0))
        }
        let (history, exclude) = pipeline.folding(clicks, policy: policy)
        let (_, cold) = pipeline.recommendWithTrace(Request(userID: "newbie"))
        let (response, trace) = pipeline.recommendWithTrace(
            Request(userID: "newbie", history: history, exclude: exclude))
        let clusters = fixture.planted.itemCluster
        for (index, step) in trace.generators.enumerated() where step.name != "popular" {
            #expect(cold.generators[index].candidates.isEmpty, "\(step.name) without events")
            let share =
                Double(step.candidates.filter { clusters[$0.item] == 2 }.count)
                / Double(max(step.candidates.count, 1))
            #expect(share >= 0.8, "\(step.name): \(share) of its items in cluster 2")
        }
        let share =
            Double(response.items.filter { clusters[$0.item] == 2 }.count)
            / Double(response.items.count)
        #expect(share >= 0.8, "the list: \(share) in cluster 2")
        let clicked = Set(history.map(\.item))
        #expect(response.items.allSatisfy { !clicked.contains($0.item) }, "exclude-seen covers it")
    }

    @Test func aDislikeRemovesTheItemAndOutweighsTheEventsBeforeIt() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let pipeline = try fixture.prepare()
        let top = try #require(pipeline.recommend(userID: "u5").first?.item)
        let id = pipeline.dataset.itemIDs[top]
        let seen = event("i0", "view", user: "u5", at: 5)
        let disliked = [
            event(id, "click", user: "u5", at: 10), event(id, "dislike", user: "u5", at: 20),
        ]
        let (history, exclude) = pipeline.folding([seen] + disliked, policy: policy)
        #expect(exclude == [top])
        #expect(
            !history.contains { $0.item == top }, "the click before the dislike no longer counts")
        let list = pipeline.run(
            Request(userID: "u5", history: history, exclude: exclude))
        #expect(!list.contains { $0.item == top })
        #expect(list.count == 10)
        // A click after the dislike: the user changed their mind.
        let again = pipeline.folding(
            [seen] + disliked + [event(id, "click", user: "u5", at: 30)], policy: policy)
        #expect(again.exclude.isEmpty)
        #expect(again.history.map(\.item) == [try #require(pipeline.dataset.item("i0")), top])
    }

    @Test func aWeightCountsAsItsShareOfTheStrongestInteractionAndARatingAsItsValue() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let pipeline = try fixture.prepare()
        #expect(pipeline.unratedRating == 5)
        let (history, exclude) = pipeline.folding(
            [
                event("i1", "view", at: 1), event("i2", "click", at: 2),
                event("i3", "rating", at: 3), event("not-an-item", "click", at: 4),
                event("i4", "purchase", at: 5),
            ], policy: policy)
        #expect(history.map(\.rating) == [1.5, 5, 4])
        #expect(history.map(\.timestamp) == [1, 2, 3])
        #expect(history.map { pipeline.dataset.itemIDs[$0.item] } == ["i1", "i2", "i3"])
        #expect(exclude.isEmpty)
    }
}

extension StoredEventsTests {
    @Test func aRefreshedDatasetHoldsTheEventsNewUsersAndNoDislikedInteraction() throws {
        let planted = PlantedClusters()
        let base = planted.dataset
        let known = try #require(base.user("u5"))
        let seen = base.byUser.columns[base.byUser.range(of: known)].map(Int.init)
        let dropped = base.itemIDs[seen[0]]
        let unseen = try #require(
            (0..<base.itemCount).first { !seen.contains($0) }.map { base.itemIDs[$0] })
        let refreshed = base.adding(
            [
                event("i2", "click", at: 10), event("i6", "rating", at: 11),
                event(dropped, "click", user: "u5", at: 4e9),
                event(dropped, "dislike", user: "u5", at: 4e9 + 1),
                // Later than every interaction of the data: the last of u5's history.
                event(unseen, "view", user: "u5", at: 4e9 + 2),
                event("not-an-item", "click", at: 15),
            ], policy: policy)
        #expect(refreshed.userCount == base.userCount + 1)
        #expect(refreshed.interactionCount == base.interactionCount + 2 - 1 + 1)
        let newbie = refreshed.query(forUserID: "newbie")
        #expect(newbie.historyItems.map { refreshed.itemIDs[Int($0)] } == ["i2", "i6"])
        #expect(Array(newbie.historyRatings) == [5, 4])
        let u5 = refreshed.query(forUserID: "u5")
        let items = u5.historyItems.map { refreshed.itemIDs[Int($0)] }
        #expect(!items.contains(dropped), "the dislike took the interaction out")
        #expect(items.last == unseen)
        #expect(u5.historyRatings.last == 1.5)
        #expect(refreshed.fingerprint != base.fingerprint)
        #expect(base.adding([], policy: policy).fingerprint == base.fingerprint)
    }
}

extension StoredEventsTests {
    /// Preparing on refreshed data hands matrix factorisation the model stored for the data
    /// before: the fit differs from one from scratch, which it equals when nothing is stored.
    @Test func aRefreshStartsMatrixFactorisationFromTheModelStoredForTheDataBefore() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let workspace = try Workspace(
            path: "\(fixture.folder.path)/pipelines.yaml", registry: builtInPlugins)
        let base = try workspace.loadDataset()
        let refreshed = base.adding(
            [2, 6, 10, 14].map { event("i\($0)", "click", at: Double($0)) }, policy: policy)
        func scores(warmFrom previous: Dataset?) throws -> [Double] {
            let pipeline = try workspace.prepare(
                pipeline: nil, dataset: refreshed, reuseArtifacts: false, warmFrom: previous)
            let (_, trace) = pipeline.recommendWithTrace(Request(userID: "u5"))
            return trace.generators[0].candidates.map(\.score)
        }
        let cold = try scores(warmFrom: nil)
        #expect(try scores(warmFrom: base) == cold, "nothing is stored for the data before")
        _ = try workspace.prepare(pipeline: nil, dataset: base)
        let warm = try scores(warmFrom: base)
        #expect(warm.count == cold.count && warm != cold)
    }
}

extension FittedPipeline {
    /// The items of one request, with no observer.
    fileprivate func run(_ request: Request) -> [Ranked] {
        var observer = NoObserver()
        return run(request, observer: &observer).items
    }
}
