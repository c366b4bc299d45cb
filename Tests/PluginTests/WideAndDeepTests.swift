import Foundation
import ShortlistCore
import ShortlistTestSupport
import Synchronization
import Testing

@testable import WeightedAveragePlugin
@testable import WideAndDeepPlugin

/// Forty users with occupation "a" (even) or "b" (odd), forty items of genre "x" (even) or "y"
/// (odd), each user with ten interactions of both genres and each item with ten, so that
/// popularity, history and genre alone say nothing. A user likes exactly the items whose genre
/// matches the occupation (a with x, b with y): only the cross decides relevance. One source
/// nominates every item with a random score.
struct PlantedCross {
    let dataset: Dataset
    let pools: [LabelledPool]

    init() {
        var builder = DatasetBuilder()
        for item in 0..<40 {
            _ = builder.addItem(
                "i\(item)",
                features: ItemFeatures(title: "i\(item)", genres: [item % 2 == 0 ? "x" : "y"]))
        }
        for user in 0..<40 {
            _ = builder.addUser(
                "u\(user)", features: UserFeatures(occupation: user % 2 == 0 ? "a" : "b"))
        }
        for user in 0..<40 {
            for k in 0..<10 {
                builder.addInteraction(
                    user: "u\(user)", item: "i\((user + k) % 40)", rating: 3,
                    timestamp: 1_000_000_000 + Int64(k) * 3600)
            }
        }
        let dataset = builder.build()
        var random = SeededGenerator(seed: 7)
        pools = (0..<40).map { user in
            let scores = (0..<40).map {
                Candidate(item: $0, score: Double.random(in: 0..<1, using: &random))
            }
            let query = dataset.query(for: user)
            return LabelledPool(
                query: query,
                pool: CandidatePool(
                    sources: ["s"], lists: [scores.sorted { $0.score > $1.score }]),
                positives: (0..<40).filter { $0 % 2 == user % 2 }, asOf: 1_000_100_000)
        }
        self.dataset = dataset
    }

    /// Trains on the first thirty users' pools.
    func fit(_ json: String) throws -> WideAndDeep.Model {
        let ranker = try WideAndDeep.make(
            try parameters(json: json),
            context: BuildContext(stageName: "p", sourceNames: ["s"], seed: 3))
        return try ranker.fit(
            RankerTrainingData(dataset: dataset, sources: ["s"], pools: Array(pools.prefix(30))),
            progress: .silent)
    }

    /// The mean NDCG@10 of a ranker on the last ten users' pools, whose user ids it never saw.
    func heldOutNDCG(_ rank: (CandidatePool, Query) -> [Ranked]) -> Double {
        let scores = pools.suffix(10).map { pool in
            RankingScores(
                recommended: rank(pool.pool, pool.query).prefix(10).map(\.item),
                relevant: Set(pool.positives), k: 10
            ).ndcg
        }
        return scores.reduce(0, +) / Double(scores.count)
    }
}

@Suite struct WideAndDeepTests {
    let planted = PlantedCross()

    @Test func learnsAPlantedCrossThatAFeatureBlindOrCrosslessRankerCannot() throws {
        let full = try planted.fit(#"{"wide": ["occupation x genre"], "epochs": 20}"#)
        #expect(planted.heldOutNDCG { full.rank($0, for: $1) } > 0.95)
        let linear = try planted.fit(
            #"{"wide": ["occupation x genre"], "deep": false, "epochs": 20}"#)
        #expect(planted.heldOutNDCG { linear.rank($0, for: $1) } > 0.95)
        let crossless = try planted.fit(
            #"{"wide": ["occupation", "genre"], "deep": false, "epochs": 20}"#)
        #expect(planted.heldOutNDCG { crossless.rank($0, for: $1) } < 0.75)
        let blind = try WeightedAverage.make(
            try parameters(json: "{}"),
            context: BuildContext(stageName: "p", sourceNames: ["s"], seed: 3)
        ).fit(RankerTrainingData(dataset: planted.dataset, sources: ["s"]), progress: .silent)
        #expect(planted.heldOutNDCG { blind.rank($0, for: $1) } < 0.75)
    }

    /// Fits on `pools`, returning the training log.
    func trainingLog(_ pools: [LabelledPool], _ cross: PlantedCross) throws -> [String] {
        let lines = Mutex<[String]>([])
        let ranker = try WideAndDeep.make(
            try parameters(json: #"{"epochs": 3}"#),
            context: BuildContext(stageName: "p", sourceNames: ["s"], seed: 3))
        _ = try ranker.fit(
            RankerTrainingData(
                dataset: cross.dataset, sources: ["s"], pools: pools,
                log: { line in lines.withLock { $0.append(line) } }),
            progress: .silent)
        return lines.withLock { $0 }
    }

    @Test func withoutAValidationSetTheLastEpochIsKeptAndTheLogSaysSo() throws {
        let cross = PlantedCross()
        let alone = try trainingLog([cross.pools[0]], cross)
        #expect(!alone.contains { $0.contains("validation NDCG") }, "\(alone)")
        #expect(
            alone.last
                == "there is no validation set (1 user's pool in all), so no epoch can be chosen "
                + "by validation: kept the last, epoch 3")
        // Validation pools without a positive cannot rank epochs either.
        let withoutPositives = cross.pools.prefix(10).map {
            LabelledPool(query: $0.query, pool: $0.pool, positives: [], asOf: $0.asOf)
        }
        let blind = try trainingLog([cross.pools[0]] + withoutPositives, cross)
        #expect(!blind.contains { $0.contains("validation NDCG") }, "\(blind)")
        #expect(
            blind.last?.hasSuffix("so no epoch can be chosen by validation: kept the last, epoch 3")
                == true)
    }

    @Test func passesTheContractCheckWithAndWithoutItsDeepPart() throws {
        for json in [#"{"epochs": 3}"#, #"{"epochs": 3, "deep": false}"#] {
            let model = try planted.fit(json)
            let pools =
                planted.pools.suffix(5).map { ($0.pool, $0.query) } + [
                    (CandidatePool(sources: ["s"], lists: [[]]), planted.pools[0].query)
                ]
            #expect(try checkRanker(model, pools: pools).isEmpty)
        }
    }

    @Test func detailedContributionsAddUpToTheLogitAndNameTheMethod() throws {
        let model = try planted.fit(#"{"epochs": 3, "activation": "tanh"}"#)
        let pool = planted.pools[35]
        let ranked = model.rank(pool.pool, for: pool.query)
        let detailed = model.detailed(ranked, in: pool.pool, for: pool.query)
        for item in detailed {
            let sum = item.contributions.reduce(0) { $0 + $1.value }
            #expect(abs(sum - item.score) < 1e-4)
            // Each term as the plugin's vocabulary names it in full.
            let names = Set(
                item.contributions.map { term in
                    (WideAndDeep.vocabulary.contributions[term.kind]?.full ?? term.kind.rawValue)
                        .replacingOccurrences(of: "{}", with: term.subject?.description ?? "")
                })
            #expect(names.isSuperset(of: ["bias", "deep: user", "deep: item", "deep: s"]))
            #expect(names.contains { $0.contains("DeepLIFT") })
            #expect(
                names.contains("wide: occupation a × genre x")
                    || names.contains {
                        $0.hasPrefix("wide: occupation")
                    })
        }
    }

    @Test func deepLIFTSplitsTheOutputChangeExactly() {
        var random = SeededGenerator(seed: 11)
        for activation in [Activation.relu, .tanh] {
            let network = Perceptron(widths: [7, 6, 5, 1], activation: activation, random: &random)
            let input = random.normals(count: 7, std: 1)
            let reference = random.normals(count: 7, std: 1)
            let split = network.deepLIFT(input, from: network.activations(reference))
            let output = network.deepLIFT(input, from: network.activations(input)).reference
            #expect(abs(split.terms.reduce(0, +) - (output - split.reference)) < 1e-9)
        }
    }

    @Test func perceptronGradientsMatchFiniteDifferences() {
        var random = SeededGenerator(seed: 5)
        let widths = [6, 5, 4, 1]
        var network = Perceptron(widths: widths, activation: .tanh, random: &random)
        for i in network.parameters.indices { network.parameters[i] += Float(i % 7) * 0.01 }
        let input = random.normals(count: 6, std: 1)
        var scratch = Perceptron.Scratch(widths)
        func output(_ network: Perceptron, _ input: [Float]) -> Double {
            var scratch = Perceptron.Scratch(widths)
            return Double(input.withRow { network.forward($0, &scratch) })
        }
        _ = input.withRow { network.forward($0, &scratch) }
        var gradients = [Float](repeating: 0, count: network.parameters.count)
        gradients.withMutableRow { network.backward(1, &scratch, into: $0) }
        let h: Float = 1e-2
        for i in network.parameters.indices {
            var up = network
            var down = network
            up.parameters[i] += h
            down.parameters[i] -= h
            let numeric = (output(up, input) - output(down, input)) / Double(2 * h)
            #expect(abs(numeric - Double(gradients[i])) < 2e-3, "parameter \(i)")
        }
        for i in input.indices {
            var up = input
            var down = input
            up[i] += h
            down[i] -= h
            let numeric = (output(network, up) - output(network, down)) / Double(2 * h)
            #expect(abs(numeric - Double(scratch.inputGradient(i))) < 2e-3, "input \(i)")
        }
    }

    @Test func trainingGradientsOfEmbeddingsAndWeightsMatchFiniteDifferences() throws {
        let model = try planted.fit(#"{"epochs": 1, "activation": "tanh", "dropout": 0}"#)
        let pool = planted.pools[3]
        let inputs = model.space.inputs(pool.pool, for: pool.query)
        let entry = 5
        let label = pool.labels[entry]
        func loss(_ model: WideAndDeep.Model) -> Double {
            var x = [Float](repeating: 0, count: model.inputWidth)
            var scratch = Perceptron.Scratch(model.network.widths)
            let parts = model.logit(inputs, entry, &x, &scratch)
            let p = 1 / (1 + exp(-(Double(parts.wide) + Double(parts.deep))))
            return label ? -log(p) : -log(1 - p)
        }
        let shard = Shard(
            parameterCount: model.network.parameters.count,
            embeddingRows: model.space.embeddingRows, embeddingSize: model.embeddingSize,
            wideCount: model.space.wideCount)
        Trainer.accumulate(
            [Example(pool: 0, entry: Int32(entry), label: label)], firstIndex: 0, epoch: 1,
            snapshot: model, inputs: [inputs], scale: 1, dropout: 0, seed: 1, into: shard)
        let h: Float = 1e-2
        let e = model.embeddingSize
        for row in shard.embeddings.touched {
            for f in 0..<e {
                var values = model.embeddings
                values[row * e + f] += h
                let up = model.replacing(embeddings: values)
                values[row * e + f] -= 2 * h
                let down = model.replacing(embeddings: values)
                let numeric = (loss(up) - loss(down)) / Double(2 * h)
                #expect(abs(numeric - shard.embeddings.values[row * e + f]) < 2e-3, "row \(row)")
            }
        }
        for i in stride(from: 0, to: model.network.parameters.count, by: 37) {
            var network = model.network
            network.parameters[i] += h
            let up = model.replacing(network: network)
            network.parameters[i] -= 2 * h
            let down = model.replacing(network: network)
            let numeric = (loss(up) - loss(down)) / Double(2 * h)
            #expect(abs(numeric - Double(shard.perceptron[i])) < 2e-3, "weight \(i)")
        }
        #expect(shard.embeddings.touched.count >= 6)
    }

    @Test func theSameSeedGivesTheSameModelForOneAndTwoThreads() throws {
        func bytes(_ threads: Int) throws -> [UInt8] {
            var writer = ArtifactWriter()
            try planted.fit(#"{"epochs": 2, "batch-size": 64, "threads": \#(threads)}"#)
                .write(to: &writer)
            return writer.bytes
        }
        let one = try bytes(1)
        #expect(one == (try bytes(2)))
        #expect(one == (try bytes(1)))
    }

    /// The planted data and, for every user, one more rating of 5: item `user % items`,
    /// `user % days` days after `start`.
    func plantedWithLaterRatings(items: Int, days: Int, from start: Int64) -> Dataset {
        let base = planted.dataset
        var builder = DatasetBuilder(catalogueOf: base)
        for user in 0..<base.userCount {
            for entry in base.byUser.range(of: user) {
                builder.addInteraction(
                    user: base.userIDs[user], item: base.itemIDs[Int(base.byUser.columns[entry])],
                    rating: base.byUser.ratings[entry], timestamp: base.byUser.timestamps[entry])
            }
            builder.addInteraction(
                user: base.userIDs[user], item: base.itemIDs[user % items], rating: 5,
                timestamp: start + Int64(user % days) * 86_400)
        }
        return builder.build()
    }

    @Test func timeFeaturesNeverSeeInteractionsAtOrAfterTheRequestTime() {
        let base = planted.dataset
        let time = base.byUser.timestamps.max()! + 1
        let later = plantedWithLaterRatings(items: 3, days: 2, from: time)
        func inputs(_ timed: Dataset) -> FeatureSpace.Inputs {
            let space = FeatureSpace(
                sources: ["s"], crosses: [Cross(parsing: "source")!], recentDays: 30,
                lastItems: 10, tables: FeatureTables(staticData: base, timed: timed))
            var query = planted.pools[4].query
            query.time = time
            return space.inputs(planted.pools[4].pool, for: query)
        }
        #expect(inputs(base).dense == inputs(later).dense)
        let withoutTime = FeatureSpace(
            sources: ["s"], crosses: [], recentDays: 30, lastItems: 10,
            tables: FeatureTables(staticData: base, timed: later)
        ).inputs(planted.pools[4].pool, for: planted.pools[4].query)
        #expect(withoutTime.dense != inputs(later).dense)
    }

    @Test func aRequestWithoutATimeGetsItsItemsTimeFeaturesAsOfTheDataEndOfTheCurrentTables() {
        let base = planted.dataset
        let later = plantedWithLaterRatings(
            items: 4, days: 3, from: base.byUser.timestamps.max()!)
        let pool = planted.pools[4]
        var space = FeatureSpace(
            sources: ["s"], crosses: [], recentDays: 2, lastItems: 10,
            tables: FeatureTables(staticData: base, timed: base))
        // Counted from every time the tables hold, without their search.
        func expected(_ item: Int, _ tables: FeatureTables) -> [Float] {
            let now = tables.minute(before: tables.dataEnd)
            let times = Array(tables.itemTimes[item])
            func count(from: Int32) -> Float {
                log1p(Float(times.filter { $0 >= from && $0 < now }.count))
            }
            let first = times.filter { $0 < now }.min()
            return [
                count(from: .min), count(from: now - 2 * 1440), count(from: now - 2 * 1440 / 4),
                first.map { log1p(Float(now - $0) / 1440) } ?? 0,
            ]
        }
        func served(_ space: FeatureSpace) -> [[Float]] {
            let width = space.denseCount
            let dense = space.inputs(pool.pool, for: pool.query).dense
            return pool.pool.entries.indices.map { index in
                let d = index * width + 3
                return [Dense.popularity, .popularLately, .popularVeryLately, .itemAge].map {
                    dense[d + $0.rawValue]
                }
            }
        }
        #expect(served(space) == pool.pool.entries.map { expected($0.item, space.tables) })
        space.tables = FeatureTables(staticData: base, timed: later)
        #expect(served(space) == pool.pool.entries.map { expected($0.item, space.tables) })
        #expect(
            served(space)
                != pool.pool.entries.map {
                    expected($0.item, FeatureTables(staticData: base, timed: base))
                })
    }

    @Test func coldUsersAndItemsWithoutFeaturesGetFiniteScores() throws {
        var builder = DatasetBuilder()
        _ = builder.addItem("plain")
        _ = builder.addItem("genre", features: ItemFeatures(title: "g", genres: ["x"]))
        _ = builder.addUser("anonymous")
        builder.addInteraction(
            user: "anonymous", item: "plain", rating: 4, timestamp: 1_000_000_000)
        builder.addInteraction(
            user: "anonymous", item: "genre", rating: 1, timestamp: 1_000_000_100)
        let dataset = builder.build()
        let pool = CandidatePool(
            sources: ["s"], lists: [[Candidate(item: 0, score: 1), Candidate(item: 1, score: 0)]])
        let labelled = LabelledPool(
            query: dataset.query(for: 0), pool: pool, positives: [0], asOf: 1_000_000_200)
        let model = try WideAndDeep.make(
            try parameters(json: #"{"epochs": 2}"#),
            context: BuildContext(stageName: "p", sourceNames: ["s"], seed: 1)
        ).fit(
            RankerTrainingData(dataset: dataset, sources: ["s"], pools: [labelled, labelled]),
            progress: .silent)
        for query in [
            dataset.query(forUserID: "never seen"), dataset.query(for: 0),
            Query(userID: "x", user: nil, excluded: ItemSet(capacity: 2), time: 0),
        ] {
            let ranked = model.detailed(model.rank(pool, for: query), in: pool, for: query)
            #expect(ranked.count == 2)
            #expect(
                ranked.allSatisfy {
                    $0.score.isFinite && $0.contributions.allSatisfy(\.value.isFinite)
                })
        }
    }

    @Test func rejectsUnknownFieldsRepeatedCrossesAndOversizedPerceptrons() throws {
        let context = BuildContext(stageName: "p", sourceNames: ["s"], seed: 1)
        #expect(throws: ParameterError.self) {
            try WideAndDeep.make(
                try parameters(json: #"{"wide": ["job x genre"]}"#), context: context)
        }
        #expect(throws: ParameterError.self) {
            try WideAndDeep.make(
                try parameters(json: #"{"wide": ["genre", "genre"]}"#), context: context)
        }
        #expect(throws: ParameterError.self) {
            try WideAndDeep.make(
                try parameters(json: #"{"hidden": [8, 8, 8, 8, 8]}"#), context: context)
        }
        #expect(throws: ParameterError.self) {
            try WideAndDeep.make(try parameters(json: #"{"hidden": [0]}"#), context: context)
        }
        do {
            _ = try WideAndDeep.make(
                try parameters(json: #"{"wide": ["job x genre"]}"#), context: context)
        } catch let error as ParameterError {
            #expect(error.keyPath == ["wide", "0"])
            #expect(error.message.contains("'job x genre' is not a field"))
        }
    }

    @Test func theLowerBoundOfSortedTimesIsTheCountOfTimesBelowTheValue() {
        var random = SeededGenerator(seed: 3)
        for length in [0, 1, 2, 3, 7, 8, 9, 64, 100] {
            let times = (0..<length).map { _ in Int32.random(in: 0...40, using: &random) }.sorted()
            // A slice that does not start at 0, as a row of the tables is.
            let row = ([-5, -5] + times)[2...]
            for value in Int32(-1)...41 {
                #expect(
                    FeatureTables.lowerBound(row, value) == times.filter { $0 < value }.count,
                    "\(times), \(value)")
            }
        }
    }
}
