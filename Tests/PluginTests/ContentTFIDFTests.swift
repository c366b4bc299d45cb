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
        builder.addItem(
            "A", features: ItemFeatures(title: "Space Wars", year: 1977, genres: ["Sci-Fi"]))
        builder.addItem(
            "B", features: ItemFeatures(title: "Space Love", year: 1980, genres: ["Romance"]))
        builder.addItem(
            "C",
            features: ItemFeatures(title: "The Love Story (1970)", year: 1970, genres: ["Romance"]))
        builder.addInteraction(user: "u", item: "A", rating: 5)
        return builder.build()
    }

    @Test func handComputedWeights() throws {
        let model = try tfidf(#"{"fields": ["title", "genres"]}"#).fit(
            TrainingData(dataset: catalogue()), progress: .silent)
        let rare = log(4.0 / 2) + 1
        let common = log(4.0 / 3) + 1  // df 1 and df 2 among 3 items
        let norm = (common * common + 2 * rare * rare).squareRoot()
        let a = Dictionary(
            uniqueKeysWithValues: model.vector(of: 0).map {
                (model.terms[$0.term], Double($0.weight))
            })
        #expect(Set(a.keys) == ["space", "wars", "genre:sci-fi"])
        let space = try #require(a["space"])
        let wars = try #require(a["wars"])
        #expect(abs(space - common / norm) < 1e-6)
        #expect(abs(wars - rare / norm) < 1e-6)
        let c = model.vector(of: 2).map { model.terms[$0.term] }
        // "the" is a stop word, "(1970)" is dropped.
        #expect(Set(c) == ["love", "story", "genre:romance"])
        // The user liked A: B shares "space", C shares nothing.
        let query = catalogue().query(forUserID: "u")
        let candidates = model.candidates(for: query, limit: 5)
        #expect(candidates.map(\.item) == [0, 1])
        let bVector = Dictionary(
            uniqueKeysWithValues: model.vector(of: 1).map {
                (model.terms[$0.term], Double($0.weight))
            })
        #expect(abs(candidates[1].score - space * (try #require(bVector["space"]))) < 1e-6)
    }

    @Test func titleWordsHandleUnicodeAndPunctuation() {
        #expect(
            titleWords("Amélie (Le Fabuleux Destin d'Amélie Poulain) (2001)") == [
                "amélie", "le", "fabuleux", "destin", "amélie", "poulain",
            ])
        #expect(titleWords("Se7en, 2 Days: Über-Cool!") == ["se7en", "2", "days", "über", "cool"])
    }

    @Test func bigramsDecadesAndYears() throws {
        let generator = try tfidf(#"{"fields": ["title", "year", "decade"], "bigrams": true}"#)
        #expect(
            generator.text.tokens(of: ItemFeatures(title: "Star Wars", year: 1977)) == [
                "star", "wars", "star_wars", "year:1977", "decade:1970s",
            ])
    }

    @Test func learnsThePlantedClustersFromGenres() throws {
        let planted = PlantedClusters()
        let model = try tfidf(#"{"fields": ["genres"]}"#).fit(
            TrainingData(dataset: planted.dataset), progress: .silent)
        let share = planted.inClusterShare(model)
        #expect(share > 0.9, "tfidf in-cluster share \(share)")
        #expect(try WeightedRatingBaseline.inClusterShare(planted) < 0.5)
    }

    @Test func similarItemsAndUnratedItems() throws {
        let planted = PlantedClusters()
        var builder = planted.builder()
        builder.addItem(
            "brand-new", features: ItemFeatures(title: "Fresh", year: 1992, genres: ["g2"]))
        let dataset = builder.build()
        let model = try tfidf(#"{"fields": ["genres", "year"]}"#).fit(
            TrainingData(dataset: dataset), progress: .silent)
        let newItem = try #require(dataset.item("brand-new"))
        let similar = try #require(model.similarItems(to: newItem, limit: 5))
        #expect(similar.count == 5 && similar.allSatisfy { planted.itemCluster[$0.item] == 2 })
        let fan = try #require(
            (0..<planted.dataset.userCount).first { planted.userCluster[$0] == 2 })
        let candidates = model.candidates(for: dataset.query(for: fan), limit: 40)
        #expect(candidates.contains { $0.item == newItem })
    }

    /// Items sharing eight title words: more terms than a display keeps.
    @Test func explanationTermsAddUpToTheScore() throws {
        var builder = DatasetBuilder()
        builder.addItem(
            "A",
            features: ItemFeatures(
                title: "alpha bravo charlie delta echo foxtrot golf hotel one", genres: ["X"]))
        builder.addItem(
            "B",
            features: ItemFeatures(
                title: "alpha bravo charlie delta echo foxtrot golf hotel two", genres: ["X"]))
        builder.addItem("C", features: ItemFeatures(title: "india juliett three", genres: ["Y"]))
        builder.addInteraction(user: "u", item: "A", rating: 5)
        let dataset = builder.build()
        let model = try tfidf(#"{"fields": ["title", "genres"]}"#).fit(
            TrainingData(dataset: dataset), progress: .silent)
        let query = dataset.query(forUserID: "u", excluded: nil)
        let candidates = model.candidates(for: query, limit: 5)
        let b = try #require(candidates.first { $0.item == 1 })
        let explanation = model.explain(item: 1, for: query)
        #expect(explanation.terms.count == 9)  // eight words and the genre
        #expect(explanation.terms.allSatisfy { $0.kind == .sharedTerm && $0.historyItem == 0 })
        #expect(abs(explanation.total - b.score) < 1e-9)
        #expect(abs(explanation.keepingTop(4).total - b.score) < 1e-9)
        #expect(model.explain(item: 2, for: query).terms.isEmpty)
    }

    /// A liked A (Space Wars, sci-fi) and disliked B (Love Story, romance); D (Love Boat) is like B only.
    func likesAndDislikes() -> Dataset {
        var builder = DatasetBuilder()
        builder.addItem("A", features: ItemFeatures(title: "Space Wars", genres: ["Sci-Fi"]))
        builder.addItem("B", features: ItemFeatures(title: "Love Story", genres: ["Romance"]))
        builder.addItem("C", features: ItemFeatures(title: "Space Rescue", genres: ["Sci-Fi"]))
        builder.addItem("D", features: ItemFeatures(title: "Love Boat", genres: ["Romance"]))
        builder.addInteraction(user: "u", item: "A", rating: 5)
        builder.addInteraction(user: "u", item: "B", rating: 1)
        return builder.build()
    }

    @Test func likeThresholdDecidesWhichItemsMakeTheProfile() throws {
        let dataset = likesAndDislikes()
        var seen = ItemSet(capacity: 4)
        seen.insert(0)
        seen.insert(1)
        let query = dataset.query(forUserID: "u", excluded: seen)
        let strict = try tfidf(#"{"fields": ["title", "genres"]}"#).fit(
            TrainingData(dataset: dataset), progress: .silent)
        #expect(strict.candidates(for: query, limit: 5).map(\.item) == [2])
        let lenient = try tfidf(#"{"fields": ["title", "genres"], "like-threshold": 1}"#).fit(
            TrainingData(dataset: dataset), progress: .silent)
        #expect(Set(lenient.candidates(for: query, limit: 5).map(\.item)) == [2, 3])
    }

    @Test func centeredRatingsPushAwayFromDislikedItems() throws {
        let dataset = likesAndDislikes()
        let query = dataset.query(forUserID: "u")
        let plain = try tfidf(#"{"fields": ["title", "genres"], "like-threshold": 1}"#).fit(
            TrainingData(dataset: dataset), progress: .silent)
        let centered = try tfidf(
            #"{"fields": ["title", "genres"], "like-threshold": 1, "center-ratings": true}"#
        ).fit(TrainingData(dataset: dataset), progress: .silent)
        #expect(plain.candidates(for: query, limit: 5).contains { $0.item == 3 })
        #expect(!centered.candidates(for: query, limit: 5).contains { $0.item == 3 })
        #expect(centered.explain(item: 3, for: query).total < 0)
        #expect(centered.candidates(for: query, limit: 5).first?.item == 0)
    }

    @Test func passesTheContractCheck() throws {
        let problems = try checkCandidateGenerator(
            { try tfidf(#"{"bigrams": true, "center-ratings": true}"#) },
            on: PlantedClusters().dataset)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func requiredFieldsFollowTheConfiguredFields() throws {
        #expect(
            try tfidf(#"{"fields": ["genres", "year", "decade"]}"#).requiredFields == [
                FieldRequirement(.itemGenres, keyPath: ["fields"]),
                FieldRequirement(.itemYear, keyPath: ["fields"]),
            ])
        #expect(
            try tfidf("{}").requiredFields.map(\.field) == [.itemTitle, .itemGenres, .itemYear])
    }
}
