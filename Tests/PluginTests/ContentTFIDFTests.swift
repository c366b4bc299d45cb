import Foundation
import ShortlistCore
import ShortlistTestSupport
import Testing
@testable import ContentTFIDFPlugin

func tfidf(_ json: String) throws -> ContentTFIDF {
    try ContentTFIDF.make(try parameters(json: json), context: .test)
}

@Suite struct ContentTFIDFTests {
    /// A: "Space Wars" (Sci-Fi), B: "Space Love" (Romance), C: "The Love Story" (Romance); a user who liked A.
    func catalogue() -> Dataset {
        var builder = DatasetBuilder()
        builder.addItem("A", features: ItemFeatures(title: "Space Wars", year: 1977, genres: ["Sci-Fi"]))
        builder.addItem("B", features: ItemFeatures(title: "Space Love", year: 1980, genres: ["Romance"]))
        builder.addItem("C", features: ItemFeatures(title: "The Love Story (1970)", year: 1970, genres: ["Romance"]))
        builder.addInteraction(user: "u", item: "A", rating: 5)
        return builder.build()
    }

    @Test func handComputedWeights() throws {
        let model = try tfidf(#"{"fields": ["title", "genres"]}"#).fit(TrainingData(dataset: catalogue()), progress: .silent)
        let rare = log(4.0 / 2) + 1, common = log(4.0 / 3) + 1  // df 1 and df 2 among 3 items
        let norm = (common * common + 2 * rare * rare).squareRoot()
        let a = Dictionary(uniqueKeysWithValues: model.vector(of: 0).map { (model.terms[$0.term], Double($0.weight)) })
        #expect(Set(a.keys) == ["space", "wars", "genre:sci-fi"])
        #expect(abs(a["space"]! - common / norm) < 1e-6)
        #expect(abs(a["wars"]! - rare / norm) < 1e-6)
        let c = model.vector(of: 2).map { model.terms[$0.term] }
        #expect(Set(c) == ["love", "story", "genre:romance"])  // "the" is a stop word, "(1970)" is dropped
        // The user liked A: B shares "space", C shares nothing.
        let query = catalogue().query(forUserID: "u")
        let candidates = model.candidates(for: query, limit: 5)
        #expect(candidates.map(\.item) == [0, 1])
        let bVector = Dictionary(uniqueKeysWithValues: model.vector(of: 1).map { (model.terms[$0.term], Double($0.weight)) })
        #expect(abs(candidates[1].score - a["space"]! * bVector["space"]!) < 1e-6)
    }

    @Test func titleWordsHandleUnicodeAndPunctuation() {
        #expect(titleWords("Amélie (Le Fabuleux Destin d'Amélie Poulain) (2001)") == ["amélie", "le", "fabuleux", "destin", "amélie", "poulain"])
        #expect(titleWords("Se7en, 2 Days: Über-Cool!") == ["se7en", "2", "days", "über", "cool"])
    }

    @Test func bigramsDecadesAndYears() throws {
        let generator = try tfidf(#"{"fields": ["title", "year", "decade"], "bigrams": true}"#)
        #expect(generator.tokens(of: ItemFeatures(title: "Star Wars", year: 1977)) == ["star", "wars", "star_wars", "year:1977", "decade:1970s"])
    }

    @Test func learnsThePlantedClustersFromGenres() throws {
        let planted = PlantedClusters()
        let model = try tfidf(#"{"fields": ["genres"]}"#).fit(TrainingData(dataset: planted.dataset), progress: .silent)
        let share = planted.inClusterShare(model)
        #expect(share > 0.9, "tfidf in-cluster share \(share)")
        #expect(try WeightedRatingBaseline.inClusterShare(planted) < 0.5)
    }

    @Test func similarItemsAndUnratedItems() throws {
        let planted = PlantedClusters()
        var builder = planted.builder()
        builder.addItem("brand-new", features: ItemFeatures(title: "Fresh", year: 1992, genres: ["g2"]))
        let dataset = builder.build()
        let model = try tfidf(#"{"fields": ["genres", "year"]}"#).fit(TrainingData(dataset: dataset), progress: .silent)
        let newItem = try #require(dataset.item("brand-new"))
        let similar = model.similarItems(to: newItem, limit: 5)
        #expect(similar.count == 5 && similar.allSatisfy { planted.itemCluster[$0.item] == 2 })
        let fan = try #require((0 ..< planted.dataset.userCount).first { planted.userCluster[$0] == 2 })
        let candidates = model.candidates(for: dataset.query(for: fan), limit: 40)
        #expect(candidates.contains { $0.item == newItem })
    }

    @Test func explanationTermsAddUpToTheScore() throws {
        let planted = PlantedClusters()
        let model = try tfidf("{}").fit(TrainingData(dataset: planted.dataset), progress: .silent)
        let query = planted.dataset.query(for: 1)
        let top = try #require(model.candidates(for: query, limit: 1).first)
        let reasons = model.explain(item: top.item, for: query)
        #expect(abs(reasons.reduce(0) { $0 + $1.value } - top.score) < 1e-6)
        let history = Set(query.historyItems.map(Int.init))
        #expect(reasons.allSatisfy { $0.kind == .sharedTerm && history.contains($0.item ?? -1) })
    }

    @Test func passesTheContractCheck() throws {
        let problems = try checkCandidateGenerator({ try tfidf(#"{"bigrams": true, "center-ratings": true}"#) }, on: PlantedClusters().dataset)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func aFieldTheDatasetLacksIsAnError() throws {
        var builder = DatasetBuilder()
        builder.addInteraction(user: "u", item: "i", rating: 3)
        #expect(throws: ParameterError(keyPath: ["fields"], message: "tfidf: 'fields' names genres, which no item in the dataset has")) {
            try tfidf(#"{"fields": ["genres"]}"#).fit(TrainingData(dataset: builder.build()), progress: .silent)
        }
    }
}
