import ShortlistCore
import ShortlistTestSupport
import Testing

@testable import TripletEmbeddingPlugin

func tripletEmbedding(_ json: String) throws -> TripletEmbedding {
    try TripletEmbedding.make(try parameters(json: json), context: .test)
}

@Suite struct TripletEmbeddingTests {
    let planted = PlantedClusters()

    @Test(arguments: [
        #"{"dimensions": 16, "epochs": 15, "learning-rate": 0.01}"#,
        #"{"dimensions": 16, "epochs": 15, "loss": "triplet", "learning-rate": 0.01}"#,
        #"{"dimensions": 16, "epochs": 15, "negatives": "hard", "optimizer": "adagrad", "learning-rate": 0.1}"#,
    ])
    func learnsThePlantedClusters(json: String) throws {
        let model = try tripletEmbedding(json).fit(
            TrainingData(dataset: planted.dataset), progress: .silent)
        let share = planted.inClusterShare(model)
        #expect(share > 0.85, "in-cluster share \(share)")
        #expect(try WeightedRatingBaseline.inClusterShare(planted) < 0.5)
    }

    /// Without genres, decades or demographics only the id embeddings can carry the clusters.
    @Test func learnsThePlantedClustersFromIdsAlone() throws {
        let bare = PlantedClusters(sideFeatures: false)
        #expect(bare.dataset.availableFields == [.ratings, .timestamps])
        let model = try tripletEmbedding(
            #"{"dimensions": 16, "epochs": 15, "learning-rate": 0.01}"#
        ).fit(TrainingData(dataset: bare.dataset), progress: .silent)
        let share = bare.inClusterShare(model)
        #expect(share > 0.8, "in-cluster share \(share)")
    }

    @Test func lossFallsAndSimilarItemsShareTheCluster() throws {
        let log = ProgressLog()
        let model = try tripletEmbedding(
            #"{"dimensions": 16, "epochs": 10, "learning-rate": 0.01}"#
        ).fit(TrainingData(dataset: planted.dataset), progress: log.reporter)
        #expect(log.numbers.count == 10)
        #expect(
            try #require(log.numbers.last) < (try #require(log.numbers.first)) * 0.7,
            "\(log.numbers)")
        let similar = try #require(model.similarItems(to: 6, limit: 5))
        #expect(
            similar.count == 5
                && similar.allSatisfy { planted.itemCluster[$0.item] == planted.itemCluster[6] })
    }

    @Test func passesTheContractCheck() throws {
        let problems = try checkCandidateGenerator(
            { try tripletEmbedding(#"{"dimensions": 8, "epochs": 2, "negatives": "popularity"}"#) },
            on: planted.dataset)
        #expect(problems.isEmpty, "\(problems)")
    }

    /// An item nobody rated, of genre g2 (its decade is every cluster's): its id embedding is
    /// untrained noise, so only the genre embedding can place it: its nearest items must be
    /// cluster 2's (by chance, nine of ten would be about one in 40,000).
    @Test func anUnratedItemGetsAVectorFromItsFeatures() throws {
        var builder = planted.builder()
        builder.addItem("new", features: ItemFeatures(title: "New", year: 1992, genres: ["g2"]))
        let dataset = builder.build()
        let model = try tripletEmbedding(
            #"{"dimensions": 16, "epochs": 15, "learning-rate": 0.01}"#
        ).fit(TrainingData(dataset: dataset), progress: .silent)
        let newItem = try #require(dataset.item("new"))
        let neighbours = try #require(model.similarItems(to: newItem, limit: 10))
        let inCluster = neighbours.filter { planted.itemCluster[$0.item] == 2 }.count
        #expect(inCluster >= 9, "\(inCluster) of its 10 nearest items are in cluster 2")
    }

    @Test func featureGroupPairsAddUpToTheScore() throws {
        let model = try tripletEmbedding(#"{"dimensions": 16, "epochs": 3}"#).fit(
            TrainingData(dataset: planted.dataset), progress: .silent)
        let query = planted.dataset.query(for: 2)
        let top = try #require(model.candidates(for: query, limit: 1).first)
        let explanation = model.explain(item: top.item, for: query)
        #expect(
            explanation.terms.count == 9
                && explanation.terms.allSatisfy { $0.kind == .featureGroup })
        #expect(abs(explanation.total - top.score) < 1e-4)
        #expect(abs(explanation.keepingTop(4).total - top.score) < 1e-4)
        let history = Set(query.historyItems.map(Int.init))
        #expect(
            !explanation.details.isEmpty
                && explanation.details.allSatisfy {
                    $0.kind == .similarLikedItem && history.contains($0.historyItem ?? -1)
                })
    }

    @Test func knownUserWithoutHistoryIsServedFromDemographics() throws {
        var builder = planted.builder()
        builder.addUser("newcomer", features: UserFeatures(age: 21, gender: "M", occupation: "o1"))
        let dataset = builder.build()
        let model = try tripletEmbedding(#"{"dimensions": 8, "epochs": 2}"#).fit(
            TrainingData(dataset: dataset), progress: .silent)
        #expect(model.candidates(for: dataset.query(forUserID: "newcomer"), limit: 5).count == 5)
        #expect(model.unavailability(for: dataset.query(forUserID: "stranger")) == .unknownUser)
    }

    @Test func rejectsParametersThatCannotWork() throws {
        #expect(
            throws: ParameterError(
                keyPath: ["dimensions"], message: "'dimensions' must be between 1 and 512, found 0"
            )
        ) {
            try tripletEmbedding(#"{"dimensions": 0}"#)
        }
        #expect(
            throws: ParameterError(
                keyPath: ["learning-rate"],
                message: "'learning-rate' must be positive and at "
                    + "most 10, found -1")
        ) {
            try tripletEmbedding(#"{"learning-rate": -1}"#)
        }
        #expect(
            throws: ParameterError(
                keyPath: ["margin"],
                message: "'margin' must be positive and at most 1000, "
                    + "found -1e+300")
        ) {
            try tripletEmbedding(#"{"margin": -1e300}"#)
        }
        #expect(
            throws: ParameterError(
                keyPath: ["dimensions"],
                message: "'dimensions' must be between 1 and 512, found 100000")
        ) {
            try tripletEmbedding(#"{"dimensions": 100000}"#)
        }
    }
}
