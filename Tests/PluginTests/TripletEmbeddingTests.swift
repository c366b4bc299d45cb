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
        let model = try tripletEmbedding(json).fit(TrainingData(dataset: planted.dataset), progress: .silent)
        let share = planted.inClusterShare(model)
        #expect(share > 0.85, "in-cluster share \(share)")
        #expect(try WeightedRatingBaseline.inClusterShare(planted) < 0.5)
    }

    @Test func lossFallsAndSimilarItemsShareTheCluster() throws {
        let log = ProgressLog()
        let model = try tripletEmbedding(#"{"dimensions": 16, "epochs": 10, "learning-rate": 0.01}"#).fit(TrainingData(dataset: planted.dataset), progress: log.reporter)
        #expect(log.numbers.count == 10 && log.numbers.last! < log.numbers.first! * 0.7, "\(log.numbers)")
        let similar = model.similarItems(to: 6, limit: 5)
        #expect(similar.count == 5 && similar.allSatisfy { planted.itemCluster[$0.item] == planted.itemCluster[6] })
    }

    @Test func passesTheContractCheck() throws {
        let problems = try checkCandidateGenerator({ try tripletEmbedding(#"{"dimensions": 8, "epochs": 2, "negatives": "popularity"}"#) }, on: planted.dataset)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func anUnratedItemGetsAVectorFromItsFeatures() throws {
        var builder = planted.builder()
        builder.addItem("new", features: ItemFeatures(title: "New", year: 1992, genres: ["g2"]))
        let dataset = builder.build()
        let model = try tripletEmbedding(#"{"dimensions": 16, "epochs": 15, "learning-rate": 0.01}"#).fit(TrainingData(dataset: dataset), progress: .silent)
        let newItem = try #require(dataset.item("new"))
        var ranks: [Int: [Int]] = [:]
        for user in 0 ..< planted.dataset.userCount {
            let list = model.candidates(for: dataset.query(for: user), limit: dataset.itemCount)
            ranks[planted.userCluster[user], default: []].append(list.firstIndex { $0.item == newItem } ?? dataset.itemCount)
        }
        func median(_ values: [Int]) -> Int { values.sorted()[values.count / 2] }
        #expect(median(ranks[2]!) < median(ranks[0]!) && median(ranks[2]!) < median(ranks[1]!) && median(ranks[2]!) < median(ranks[3]!), "\(ranks.mapValues(median))")
    }

    @Test func featureGroupsAddUpToTheScore() throws {
        let model = try tripletEmbedding(#"{"dimensions": 16, "epochs": 3}"#).fit(TrainingData(dataset: planted.dataset), progress: .silent)
        let query = planted.dataset.query(for: 2)
        let top = try #require(model.candidates(for: query, limit: 1).first)
        let reasons = model.explain(item: top.item, for: query)
        let itemSide = reasons.filter { $0.kind == .featureGroup && $0.name.hasPrefix("item ") }.reduce(0) { $0 + $1.value }
        let userSide = reasons.filter { $0.kind == .featureGroup && $0.name.hasPrefix("user ") }.reduce(0) { $0 + $1.value }
        #expect(abs(itemSide - top.score) < 1e-4 && abs(userSide - top.score) < 1e-4)
        let history = Set(query.historyItems.map(Int.init))
        #expect(reasons.filter { $0.kind == .becauseOf }.allSatisfy { history.contains($0.item ?? -1) })
    }

    @Test func knownUserWithoutHistoryIsServedFromDemographics() throws {
        var builder = planted.builder()
        builder.addUser("newcomer", features: UserFeatures(age: 21, gender: "M", occupation: "o1"))
        let dataset = builder.build()
        let model = try tripletEmbedding(#"{"dimensions": 8, "epochs": 2}"#).fit(TrainingData(dataset: dataset), progress: .silent)
        #expect(model.candidates(for: dataset.query(forUserID: "newcomer"), limit: 5).count == 5)
        #expect(model.unavailableReason(for: dataset.query(forUserID: "stranger")) == "it needs a known user or a history and this id has neither")
    }

    @Test func rejectsParametersThatCannotWork() throws {
        #expect(throws: ParameterError(keyPath: ["dimensions"], message: "'dimensions' must be positive, found 0")) {
            try tripletEmbedding(#"{"dimensions": 0}"#)
        }
        #expect(throws: ParameterError(keyPath: ["learning-rate"], message: "'learning-rate' must be positive, found -1")) {
            try tripletEmbedding(#"{"learning-rate": -1}"#)
        }
        #expect(throws: ParameterError(keyPath: ["margin"], message: "'margin' must be positive, found -1e+300")) {
            try tripletEmbedding(#"{"margin": -1e300}"#)
        }
        #expect(throws: ParameterError(keyPath: ["dimensions"], message: "'dimensions' must be at most 4096, found 100000")) {
            try tripletEmbedding(#"{"dimensions": 100000}"#)
        }
    }
}
