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

    @Test(arguments: [
        #"{"factors": 8, "epochs": 5}"#, #"{"objective": "explicit", "factors": 8, "epochs": 5}"#,
        #"{"factors": 20, "epochs": 3, "threads": 1, "confidence": "rating"}"#,
    ])
    func passesTheContractCheck(json: String) throws {
        let problems = try checkCandidateGenerator(
            { try matrixFactorization(json) }, on: planted.dataset)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func implicitALSLearnsThePlantedClusters() throws {
        let model = try matrixFactorization(#"{"factors": 8, "epochs": 10}"#).fit(
            TrainingData(dataset: planted.dataset), progress: .silent)
        let popularity = try WeightedRatingBaseline.inClusterShare(planted)
        let share = planted.inClusterShare(model)
        #expect(share > 0.9, "ALS in-cluster share \(share)")
        #expect(popularity < 0.5, "popularity in-cluster share \(popularity)")
    }

    @Test(arguments: [#""objective": "implicit""#, #""objective": "explicit", "strata": 3"#])
    func resultsDoNotDependOnTheThreadCount(settings: String) throws {
        let fits = try [1, 2, 3, 0].map { threads in
            try matrixFactorization(
                #"{\#(settings), "factors": 8, "epochs": 4, "threads": \#(threads)}"#
            ).fit(TrainingData(dataset: planted.dataset), progress: .silent)
        }
        for fit in fits.dropFirst() {
            #expect(
                fit.userFactors == fits[0].userFactors && fit.itemFactors == fits[0].itemFactors
                    && fit.userBias == fits[0].userBias && fit.itemBias == fits[0].itemBias)
        }
    }

    /// One pass, and the stratified pass (whose order differs) alike.
    @Test(arguments: [1, 4])
    func explicitMFPredictsPlantedRatingsNearTheNoiseLevel(strata: Int) throws {
        let lowRank = PlantedLowRank()
        let split = try Split(lowRank.dataset, .random(0.2, seed: 3))
        let model = try matrixFactorization(
            #"{"objective": "explicit", "factors": 8, "epochs": 60, "learning-rate": 0.01, "regularization": 0.05, "strata": \#(strata)}"#
        )
        .fit(TrainingData(dataset: split.train), progress: .silent)
        var squared = 0.0
        var baseline = 0.0
        var count = 0.0
        let mean =
            split.train.byUser.ratings.reduce(0.0) { $0 + Double($1) }
            / Double(split.train.interactionCount)
        for user in 0..<split.train.userCount {
            for held in split.test[user] {
                let predicted = try #require(
                    model.predictRating(of: held.item, for: split.train.query(for: user)))
                squared += (predicted - Double(held.rating)) * (predicted - Double(held.rating))
                baseline += (mean - Double(held.rating)) * (mean - Double(held.rating))
                count += 1
            }
        }
        let rmse = (squared / count).squareRoot()
        let meanRMSE = (baseline / count).squareRoot()
        #expect(rmse < lowRank.noise * 1.6, "RMSE \(rmse), noise \(lowRank.noise)")
        #expect(meanRMSE > 3 * lowRank.noise, "predicting the mean: \(meanRMSE)")
    }

    /// A user with 40 fitted ratings: one term per history item, far more than a display keeps.
    @Test(arguments: [
        #"{"factors": 8, "epochs": 10, "cg-steps": 8}"#,
        #"{"objective": "explicit", "factors": 8, "epochs": 40, "learning-rate": 0.01}"#,
    ])
    func explanationTermsAddUpToTheScore(json: String) throws {
        let lowRank = PlantedLowRank()
        let model = try matrixFactorization(json).fit(
            TrainingData(dataset: lowRank.dataset), progress: .silent)
        let query = lowRank.dataset.query(for: 3)
        let top = try #require(model.candidates(for: query, limit: 1).first)
        let explanation = model.explain(item: top.item, for: query)
        let liked = explanation.terms.filter { $0.kind == .historyItem }
        #expect(liked.count == query.historyItems.count && liked.count > 5)
        #expect(Set(liked.compactMap(\.historyItem)) == Set(query.historyItems.map(Int.init)))
        #expect(abs(explanation.total - top.score) < 1e-5)
        #expect(abs(explanation.keepingTop(5).total - top.score) < 1e-5)
        #expect(explanation.keepingTop(5).terms.count == 6)
        let gap = try #require(
            explanation.terms.first { $0.subject == .remainder(.fitApproximation) })
        let likedSum = liked.reduce(0) { $0 + $1.value }
        #expect(
            abs(gap.value) < 0.25 * abs(likedSum),
            "the decomposition leaves \(gap.value) of \(likedSum)")
    }

    @Test func alsLossNeverRisesAndSGDTrainingErrorFalls() throws {
        let als = ProgressLog()
        _ = try matrixFactorization(#"{"factors": 8, "epochs": 8}"#).fit(
            TrainingData(dataset: planted.dataset), progress: als.reporter)
        let losses = als.numbers
        #expect(losses.count == 8)
        #expect(zip(losses, losses.dropFirst()).allSatisfy { $1 <= $0 * (1 + 1e-6) }, "\(losses)")
        #expect(try #require(losses.last) < (try #require(losses.first)) * 0.9)
        let sgd = ProgressLog()
        _ = try matrixFactorization(
            #"{"objective": "explicit", "factors": 8, "epochs": 10, "learning-rate": 0.03}"#
        ).fit(TrainingData(dataset: planted.dataset), progress: sgd.reporter)
        let errors = sgd.numbers
        #expect(
            errors.count == 10 && zip(errors, errors.dropFirst()).allSatisfy { $1 <= $0 },
            "\(errors)")
        #expect(try #require(errors.last) < (try #require(errors.first)) - 0.1, "\(errors)")
    }

    /// The planted data without every tenth interaction, its users and items in the opposite
    /// order:
    /// what a refresh's previous fit saw.
    func earlierData() -> Dataset {
        let data = planted.dataset
        var builder = DatasetBuilder()
        for (index, id) in data.itemIDs.enumerated().reversed() {
            builder.addItem(id, features: data.items[index])
        }
        for user in (0..<data.userCount).reversed() {
            for entry in data.byUser.range(of: user) where entry % 10 != 0 {
                builder.addInteraction(
                    user: data.userIDs[user], item: data.itemIDs[Int(data.byUser.columns[entry])],
                    rating: data.byUser.ratings[entry], timestamp: data.byUser.timestamps[entry])
            }
        }
        return builder.build()
    }

    @Test func aWarmRefreshStartsFromTheEarlierFactorsMatchedByIdAndSweepsWarmEpochs() throws {
        let json = #"{"factors": 8, "epochs": 15, "warm-epochs": 3}"#
        let earlier = earlierData()
        let previous = try matrixFactorization(json).fit(
            TrainingData(dataset: earlier), progress: .silent)
        func losses(_ data: TrainingData, _ json: String) throws -> [Double] {
            let log = ProgressLog()
            _ = try matrixFactorization(json).fit(data, progress: log.reporter)
            return log.numbers
        }
        let all = TrainingData(dataset: planted.dataset)
        let cold = try losses(all, json)
        let warm = try losses(
            TrainingData(
                dataset: planted.dataset,
                warmStart: WarmStart(model: previous, dataset: earlier)), json)
        let short = try losses(all, #"{"factors": 8, "epochs": 3}"#)
        #expect(cold.count == 15 && warm.count == 3 && short.count == 3)
        let (coldLoss, warmLoss, shortLoss) = (
            try #require(cold.last), try #require(warm.last), try #require(short.last)
        )
        #expect(warmLoss <= coldLoss * 1.02, "warm \(warm), cold \(cold)")
        #expect(shortLoss > warmLoss * 1.05, "3 sweeps from scratch \(short), warm \(warm)")
        // Rows taken by position instead of by id start from other items' factors: worse.
        let shuffled = try losses(
            TrainingData(
                dataset: planted.dataset,
                warmStart: WarmStart(model: previous, dataset: planted.dataset)), json)
        #expect(try #require(shuffled.first) > (try #require(warm.first)) * 1.05, "\(shuffled)")
    }

    @Test func similarItemsShareTheCluster() throws {
        let model = try matrixFactorization(#"{"factors": 8, "epochs": 10}"#).fit(
            TrainingData(dataset: planted.dataset), progress: .silent)
        for item in [0, 5, 10] {
            let similar = try #require(model.similarItems(to: item, limit: 5))
            #expect(similar.count == 5 && !similar.contains { $0.item == item })
            #expect(
                similar.allSatisfy { planted.itemCluster[$0.item] == planted.itemCluster[item] })
        }
    }

    @Test func coldUsersGetNothingAndAReason() throws {
        let model = try matrixFactorization(#"{"factors": 4, "epochs": 1}"#).fit(
            TrainingData(dataset: planted.dataset), progress: .silent)
        let cold = planted.dataset.query(forUserID: "nobody")
        #expect(model.candidates(for: cold, limit: 5).isEmpty)
        #expect(model.unavailability(for: cold) == .unknownUser)
    }

    @Test func minRatingLeavesLowRatingsOutOfTheFit() throws {
        var builder = planted.builder()
        builder.addInteraction(user: "grumpy", item: "i0", rating: 1)
        builder.addInteraction(user: "grumpy", item: "i1", rating: 2)
        let dataset = builder.build()
        let grumpy = dataset.query(forUserID: "grumpy")
        let all = try matrixFactorization(#"{"factors": 4, "epochs": 2}"#).fit(
            TrainingData(dataset: dataset), progress: .silent)
        let liked = try matrixFactorization(#"{"factors": 4, "epochs": 2, "min-rating": 4}"#).fit(
            TrainingData(dataset: dataset), progress: .silent)
        #expect(all.candidates(for: grumpy, limit: 3).count == 3)
        #expect(liked.candidates(for: grumpy, limit: 3).isEmpty)
        #expect(liked.unavailability(for: grumpy) == .userNotFitted)
    }

    @Test func shuffledOrderGivesAnotherFitThatStillLearns() throws {
        let lowRank = PlantedLowRank()
        let split = try Split(lowRank.dataset, .random(0.2, seed: 3))
        func fit(_ order: String) throws -> (MatrixFactorization.Model, Double) {
            let model = try matrixFactorization(
                #"{"objective": "explicit", "factors": 8, "epochs": 60, "learning-rate": 0.01, "order": "\#(order)"}"#
            )
            .fit(TrainingData(dataset: split.train), progress: .silent)
            var squared = 0.0
            var count = 0.0
            for user in 0..<split.train.userCount {
                for held in split.test[user] {
                    let error =
                        try #require(
                            model.predictRating(of: held.item, for: split.train.query(for: user)))
                        - Double(held.rating)
                    squared += error * error
                    count += 1
                }
            }
            return (model, (squared / count).squareRoot())
        }
        let (byUser, byUserRMSE) = try fit("by-user")
        let (shuffled, shuffledRMSE) = try fit("shuffled")
        #expect(byUser.userFactors != shuffled.userFactors)
        #expect(
            byUserRMSE < lowRank.noise * 1.6 && shuffledRMSE < lowRank.noise * 1.6,
            "\(byUserRMSE), \(shuffledRMSE)")
    }

    @Test func rejectsParametersThatCannotWork() throws {
        #expect(
            throws: ParameterError(
                keyPath: ["factors"], message: "'factors' must be between 1 and 512, found 0")
        ) {
            try matrixFactorization(#"{"factors": 0}"#)
        }
        #expect(
            throws: ParameterError(
                keyPath: ["learning-rate"],
                message: "'learning-rate' must be positive and at "
                    + "most 10, found -0.1")
        ) {
            try matrixFactorization(#"{"learning-rate": -0.1}"#)
        }
        #expect(
            throws: ParameterError(
                keyPath: ["alpha"],
                message: "'alpha' must be positive and at most 10000, "
                    + "found -1e+300")
        ) {
            try matrixFactorization(#"{"alpha": -1e300}"#)
        }
        #expect(
            throws: ParameterError(
                keyPath: ["factors"],
                message: "'factors' must be between 1 and 512, found 64000000")
        ) {
            try matrixFactorization(#"{"factors": 64000000}"#)
        }
    }
}
