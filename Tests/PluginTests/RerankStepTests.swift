import ShortlistCore
import ShortlistTestSupport
import Testing

@testable import BusinessRulesPlugin
@testable import DiversityCapPlugin
@testable import ExplorationPlugin
@testable import MaximalMarginalRelevancePlugin

/// Twelve items ranked 0 (best) to 11: the first six are comedies, then three dramas, then
/// three westerns, so that the ranker's own order puts six comedies first.
struct RankedGenres {
    let fields: FeatureVocabulary
    let items: [Ranked]
    let query = Query(userID: "x", user: nil, excluded: ItemSet(capacity: 12))
    let context = BuildContext(stageName: "p", sourceNames: ["als", "content"], seed: 1)

    init() {
        var builder = DatasetBuilder()
        let genres =
            Array(repeating: "Comedy", count: 6) + Array(repeating: "Drama", count: 3)
            + Array(repeating: "Western", count: 3)
        for (item, genre) in genres.enumerated() {
            builder.addItem("i\(item)", features: ItemFeatures(title: "I\(item)", genres: [genre]))
        }
        fields = FeatureVocabulary(builder.build())
        items = (0..<12).map { Ranked(item: $0, score: Double(12 - $0), contributions: []) }
    }

    func genre(_ item: ItemIndex) -> Int32 { fields.itemGenres[item][0] }

    func rerankContext(count: Int, lambda: Double? = nil) -> RerankContext {
        RerankContext(
            query: query, count: count, lambda: lambda, fields: fields,
            itemIDs: (0..<12).map { "i\($0)" })
    }
}

@Suite struct MaximalMarginalRelevanceTests {
    let data = RankedGenres()

    func step(_ json: String) throws -> MaximalMarginalRelevance {
        try MaximalMarginalRelevance.make(try parameters(json: json), context: data.context)
    }

    @Test func lambdaOneKeepsTheRankersOrder() throws {
        let picks = try step(#"{"lambda": 1}"#).rerank(
            data.items, context: data.rerankContext(count: 5))
        #expect(picks.map(\.position) == Array(0..<12))
        #expect(picks.allSatisfy { !$0.isLeftOut })
    }

    @Test func lambdaZeroShowsEveryGenreBeforeRepeatingOne() throws {
        let picks = try step(#"{"lambda": 0}"#).rerank(
            data.items, context: data.rerankContext(count: 5))
        let genres = picks.prefix(3).map { data.genre(data.items[$0.position].item) }
        #expect(Set(genres).count == 3)
        // Within a genre the ranker's order decides: the best comedy, drama and western.
        #expect(picks.prefix(3).map(\.position) == [0, 6, 9])
        #expect(Set(picks.map(\.position)) == Set(0..<12))
    }

    @Test func theRequestsLambdaOverridesTheSteps() throws {
        let picks = try step(#"{"lambda": 1}"#).rerank(
            data.items, context: data.rerankContext(count: 5, lambda: 0))
        #expect(picks.prefix(3).map(\.position) == [0, 6, 9])
        guard case .marginalRelevance(_, _, _, let lambda) = picks[1].reason else {
            Issue.record("no MMR reason on the second pick")
            return
        }
        #expect(lambda == 0)
    }

    @Test func eachPickNamesItsRelevanceAndTheMostSimilarItemAboveIt() throws {
        let picks = try step(#"{"lambda": 0.5}"#).rerank(
            data.items, context: data.rerankContext(count: 4))
        // Relevance is the score scaled to [0, 1]: 12 → 1, 1 → 0.
        #expect(
            picks[0].reason
                == .marginalRelevance(relevance: 1, nearest: nil, similarity: 0, lambda: 0.5))
        for pick in picks.prefix(4).dropFirst() {
            guard
                case .marginalRelevance(let relevance, let nearest?, let similarity, _) =
                    pick.reason
            else {
                Issue.record("pick \(pick.position) has no nearest item")
                continue
            }
            #expect(relevance == Double(11 - pick.position) / 11)
            let earlier = picks.prefix { $0.position != pick.position }.map(\.position)
            #expect(earlier.contains(nearest))
            let same = data.genre(nearest) == data.genre(pick.position)
            #expect(similarity == (same ? 1 : 0))
        }
        // Only the first n are picked; the rest follow in their order, without a reason.
        #expect(picks.dropFirst(4).allSatisfy { $0.reason == nil })
    }

    @Test func anUnknownSimilarityIsAnErrorOnItsKeyThatSuggests() {
        #expect(
            throws: ParameterError(
                keyPath: ["similarity"],
                message: "'similarity' is 'genres', which is neither an item field nor a "
                    + "candidate stage of pipeline 'p'. Did you mean 'genre'?")
        ) { try step(#"{"similarity": "genres"}"#) }
    }
}

@Suite struct DiversityCapTests {
    let data = RankedGenres()

    func step(_ json: String) throws -> DiversityCap {
        try DiversityCap.make(try parameters(json: json), context: data.context)
    }

    @Test func aCapInterleavesGenresInTheFirstNPlacesAndSaysWhatHeldEachItem() throws {
        let picks = try step(#"{"max": 1, "per": 2}"#).rerank(
            data.items, context: data.rerankContext(count: 6))
        let shown = picks.prefix(6).map { data.genre(data.items[$0.position].item) }
        for place in 1..<6 { #expect(shown[place] != shown[place - 1]) }
        #expect(picks.prefix(6).map(\.position) == [0, 6, 1, 7, 2, 8])
        // The second comedy waited: one comedy was already in the place above it.
        #expect(
            picks[2].reason == .capped(field: .genre, value: "Comedy", max: 1, per: 2))
        #expect(picks.allSatisfy { !$0.isLeftOut })
        #expect(Set(picks.map(\.position)) == Set(0..<12))
    }

    @Test func whatCannotFitWithinTheCapIsLeftOut() throws {
        // At most two of a genre in the whole list: six places need three genres, and
        // whatever is left over would break the cap, so a list of 8 stops at 6.
        let picks = try step(#"{"max": 2, "per": 10, "per-list": 2}"#).rerank(
            data.items, context: data.rerankContext(count: 8))
        #expect(picks.filter { !$0.isLeftOut }.map(\.position) == [0, 1, 6, 7, 9, 10])
        #expect(
            picks.first { $0.position == 2 }?.reason
                == .capped(field: .genre, value: "Comedy", max: 2, per: 0))
    }

    @Test func aCapThatNeverBindsIsAnError() {
        #expect(throws: ParameterError.self) { try step(#"{"max": 5, "per": 5}"#) }
    }
}

@Suite struct BusinessRulesTests {
    let data = RankedGenres()

    func step(_ json: String) throws -> BusinessRules {
        try BusinessRules.make(try parameters(json: json), context: data.context)
    }

    func order(_ json: String) throws -> [RerankPick] {
        try step(json).rerank(data.items, context: data.rerankContext(count: 5))
    }

    @Test func buriedItemsFollowEveryOtherInTheirOrder() throws {
        let picks = try order(#"{"bury": {"genre": ["Comedy"]}}"#)
        #expect(picks.map(\.position) == Array(6..<12) + Array(0..<6))
        #expect(
            picks.suffix(6).allSatisfy {
                $0.reason == .buried(RuleMatch(field: .genre, value: "Comedy"))
            })
        #expect(picks.prefix(6).allSatisfy { $0.reason == nil })
    }

    @Test func aBoostIsAddedToTheScaledScore() throws {
        // Relevance (12 − 1 − position) / 11; +0.5 lifts the westerns (9 … 11: 2/11 … 0)
        // above positions 5 … 8 (6/11 … 3/11) but not above position 4 (7/11 > 2/11 + 0.5).
        let picks = try order(#"{"boost": {"genre": {"Western": 0.5}}}"#)
        #expect(picks.map(\.position) == [0, 1, 2, 3, 9, 4, 10, 5, 11, 6, 7, 8])
        #expect(
            picks[4].reason
                == .boosted(matches: [RuleMatch(field: .genre, value: "Western")], by: 0.5))
        // Item 0 at 1 − 0.5 falls between positions 5 (6/11) and 6 (5/11).
        let lowered = try order(#"{"boost": {"item": {"i0": -0.5}}}"#)
        #expect(lowered.map(\.position).prefix(7) == [1, 2, 3, 4, 5, 0, 6])
    }

    @Test func pinnedItemsTakeTheirPlacesAndTheOthersKeepTheirOrder() throws {
        let picks = try order(#"{"pin": {"i11": 1, "i10": 3}}"#)
        #expect(picks.map(\.position).prefix(5) == [11, 0, 10, 1, 2])
        #expect(picks[0].reason == .pinned(place: 1) && picks[2].reason == .pinned(place: 3))
        #expect(Set(picks.map(\.position)) == Set(0..<12))
    }

    @Test func valuesTheCatalogueLacksAndMalformedRulesAreErrorsOnTheirKeys() throws {
        let genre = try step(#"{"bury": {"genre": ["Comdy"]}}"#)
        #expect(
            throws: ParameterError(
                keyPath: ["bury", "genre"],
                message: "'bury' names the genre 'Comdy', which no item has. Did you mean 'Comedy'?"
            )
        ) { try genre.check(data.fields, itemIDs: ["i0"]) }
        let pin = try step(#"{"pin": {"i99": 1}}"#)
        #expect(throws: ParameterError.self) { try pin.check(data.fields, itemIDs: ["i0"]) }
        #expect(throws: ParameterError.self) { try step(#"{"bury": {"colour": ["red"]}}"#) }
        #expect(throws: ParameterError.self) { try step(#"{"pin": {"i1": 0}}"#) }
        #expect(throws: ParameterError.self) { try step(#"{"pin": {"i1": 2, "i2": 2}}"#) }
        #expect(throws: ParameterError.self) { try step("{}") }
    }
}

@Suite struct ExplorationTests {
    let data = RankedGenres()
    /// Stage `als` nominated every item; stage `new` items 6 … 11 (the ranker's 7th to 12th).
    let pool = CandidatePool(
        sources: ["als", "new"],
        lists: [
            (0..<12).map { Candidate(item: $0, score: Double(12 - $0)) },
            (6..<12).map { Candidate(item: $0, score: 1) },
        ])

    func step(_ json: String) throws -> Exploration {
        try Exploration.make(
            try parameters(json: json),
            context: BuildContext(stageName: "p", sourceNames: ["als", "new"], seed: 3))
    }

    func picks(_ step: Exploration, key: String) -> [RerankPick] {
        var context = data.rerankContext(count: 4)
        context.pool = pool
        context.requestKey = key
        return step.rerank(data.items, context: context)
    }

    @Test func exploringPlacesAreMarkedWithPropensitiesThatMatchTheDraws() throws {
        let explore = try step(#"{"stage": "new", "share": 0.5}"#)
        let requests = 4000
        var explored = 0
        var sixFirst = 0
        for request in 0..<requests {
            let order = picks(explore, key: "r\(request)")
            #expect(Set(order.map(\.position)) == Set(0..<12))
            #expect(picks(explore, key: "r\(request)") == order)
            var drawn = 0
            for (place, pick) in order.prefix(4).enumerated() {
                guard case .explored(let stage, let propensity) = pick.reason else {
                    // An unexplored place keeps the ranker's items in their order.
                    #expect(pick.position < 4)
                    continue
                }
                #expect(stage == "new" && (6..<12).contains(pick.position))
                // Drawn from the six items of `new` below the first four, less those drawn.
                #expect(propensity == 0.5 / Double(6 - drawn))
                drawn += 1
                if place == 0 && pick.position == 6 { sixFirst += 1 }
            }
            explored += drawn
        }
        // Each of the 4 places explores half the time; item 6 leads with chance 0.5 / 6.
        #expect(abs(Double(explored) / Double(requests) - 2) < 0.1)
        #expect(abs(Double(sixFirst) / Double(requests) - 0.5 / 6) < 0.015)
    }

    @Test func declaredPlacesAlwaysExplore() throws {
        let explore = try step(#"{"stage": "new", "places": [2]}"#)
        for request in 0..<50 {
            let order = picks(explore, key: "r\(request)")
            #expect(order[0].position == 0 && order[2].position == 1)
            guard case .explored("new", let propensity) = order[1].reason else {
                Issue.record("place 2 did not explore")
                continue
            }
            #expect(propensity == 1.0 / 6 && (6..<12).contains(order[1].position))
        }
    }

    @Test func anUnknownOrMissingStageIsAnErrorThatNamesTheStages() {
        #expect(
            throws: ParameterError(
                keyPath: ["stage"],
                message: "'stage' is 'newest', which is not a candidate stage of pipeline 'p'; "
                    + "its stages are als, new")
        ) { try step(#"{"stage": "newest"}"#) }
        #expect(
            throws: ParameterError(
                keyPath: ["stage"], message: "an explore step needs 'stage': one of als, new")
        ) { try step("{}") }
    }
}
