import ShortlistCore
import ShortlistPipeline
import ShortlistTestSupport
import Testing
@testable import MatrixFactorizationPlugin

func matrixFactorization(_ json: String) throws -> MatrixFactorization {
    try MatrixFactorization.make(try parameters(json: json), context: .test)
}

@Suite struct MatrixFactorizationTests {
    let planted = PlantedClusters()

    @Test(arguments: [#"{"factors": 8, "epochs": 5}"#, #"{"objective": "explicit", "factors": 8, "epochs": 5}"#, #"{"factors": 20, "epochs": 3, "threads": 1, "confidence": "rating"}"#])
    func passesTheContractCheck(json: String) throws {
        let problems = try checkCandidateGenerator({ try matrixFactorization(json) }, on: planted.dataset)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func implicitALSLearnsThePlantedClusters() throws {
        let model = try matrixFactorization(#"{"factors": 8, "epochs": 10}"#).fit(TrainingData(dataset: planted.dataset), progress: .silent)
        let popularity = try WeightedRatingBaseline.inClusterShare(planted)
        let share = planted.inClusterShare(model)
        #expect(share > 0.9, "ALS in-cluster share \(share)")
        #expect(popularity < 0.5, "popularity in-cluster share \(popularity)")
    }

    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let one = try matrixFactorization(#"{"factors": 8, "epochs": 4, "threads": 1}"#).fit(TrainingData(dataset: planted.dataset), progress: .silent)
        let all = try matrixFactorization(#"{"factors": 8, "epochs": 4}"#).fit(TrainingData(dataset: planted.dataset), progress: .silent)
        #expect(one.userFactors == all.userFactors && one.itemFactors == all.itemFactors)
    }

    @Test func explicitMFPredictsPlantedRatingsNearTheNoiseLevel() throws {
        let lowRank = PlantedLowRank()
        let split = try Split(lowRank.dataset, .random(0.2, seed: 3))
        let model = try matrixFactorization(#"{"objective": "explicit", "factors": 8, "epochs": 60, "learning-rate": 0.01, "regularization": 0.05}"#)
            .fit(TrainingData(dataset: split.train), progress: .silent)
        var squared = 0.0, baseline = 0.0, count = 0.0
        let mean = split.train.byUser.ratings.reduce(0.0) { $0 + Double($1) } / Double(split.train.interactionCount)
        for user in 0 ..< split.train.userCount {
            for held in split.test[user] {
                let predicted = try #require(model.predictRating(of: held.item, for: split.train.query(for: user)))
                squared += (predicted - Double(held.rating)) * (predicted - Double(held.rating))
                baseline += (mean - Double(held.rating)) * (mean - Double(held.rating))
                count += 1
            }
        }
        let rmse = (squared / count).squareRoot(), meanRMSE = (baseline / count).squareRoot()
        #expect(rmse < lowRank.noise * 1.6, "RMSE \(rmse), noise \(lowRank.noise)")
        #expect(meanRMSE > 3 * lowRank.noise, "predicting the mean: \(meanRMSE)")
    }

    @Test func implicitExplanationTermsAddUpToTheScore() throws {
        let model = try matrixFactorization(#"{"factors": 8, "epochs": 10, "cg-steps": 8}"#).fit(TrainingData(dataset: planted.dataset), progress: .silent)
        let query = planted.dataset.query(for: 3)
        let top = try #require(model.candidates(for: query, limit: 1).first)
        let reasons = model.explain(item: top.item, for: query)
        let history = Set(query.historyItems.map(Int.init))
        let because = reasons.filter { $0.kind == .becauseOf }
        #expect(!because.isEmpty && because.allSatisfy { history.contains($0.item ?? -1) })
        #expect(zip(because, because.dropFirst()).allSatisfy { $0.value >= $1.value })
        let all = try #require(reasons.first { $0.name == "factor score" })
        #expect(abs(all.value - top.score) < 1e-4)
    }

    @Test func alsLossNeverRisesAndSGDTrainingErrorFalls() throws {
        let als = ProgressLog()
        _ = try matrixFactorization(#"{"factors": 8, "epochs": 8}"#).fit(TrainingData(dataset: planted.dataset), progress: als.reporter)
        let losses = als.numbers
        #expect(losses.count == 8)
        #expect(zip(losses, losses.dropFirst()).allSatisfy { $1 <= $0 * (1 + 1e-6) }, "\(losses)")
        #expect(losses.last! < losses.first! * 0.9)
        let sgd = ProgressLog()
        _ = try matrixFactorization(#"{"objective": "explicit", "factors": 8, "epochs": 10, "learning-rate": 0.03}"#).fit(TrainingData(dataset: planted.dataset), progress: sgd.reporter)
        let errors = sgd.numbers
        #expect(errors.count == 10 && zip(errors, errors.dropFirst()).allSatisfy { $1 <= $0 } && errors.last! < errors.first! - 0.1, "\(errors)")
    }

    @Test func similarItemsShareTheCluster() throws {
        let model = try matrixFactorization(#"{"factors": 8, "epochs": 10}"#).fit(TrainingData(dataset: planted.dataset), progress: .silent)
        for item in [0, 5, 10] {
            let similar = model.similarItems(to: item, limit: 5)
            #expect(similar.count == 5 && !similar.contains { $0.item == item })
            #expect(similar.allSatisfy { planted.itemCluster[$0.item] == planted.itemCluster[item] })
        }
    }

    @Test func coldUsersGetNothingAndAReason() throws {
        let model = try matrixFactorization(#"{"factors": 4, "epochs": 1}"#).fit(TrainingData(dataset: planted.dataset), progress: .silent)
        let cold = planted.dataset.query(forUserID: "nobody")
        #expect(model.candidates(for: cold, limit: 5).isEmpty)
        #expect(model.unavailableReason(for: cold) == "it needs a fitted user and this id is unknown")
    }

    @Test func rejectsParametersThatCannotWork() throws {
        #expect(throws: ParameterError(keyPath: ["factors"], message: "'factors' must be positive, found 0")) {
            try matrixFactorization(#"{"factors": 0}"#)
        }
        #expect(throws: ParameterError(keyPath: ["learning-rate"], message: "'learning-rate' must be positive, found -0.1")) {
            try matrixFactorization(#"{"learning-rate": -0.1}"#)
        }
        #expect(throws: ParameterError(keyPath: ["alpha"], message: "'alpha' must be positive, found -1e+300")) {
            try matrixFactorization(#"{"alpha": -1e300}"#)
        }
        #expect(throws: ParameterError(keyPath: ["factors"], message: "'factors' must be at most 4096, found 64000000")) {
            try matrixFactorization(#"{"factors": 64000000}"#)
        }
    }
}
