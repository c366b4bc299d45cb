import BanditBlendPlugin
import ContentTFIDFPlugin
import Foundation
import FuzzSupport
import MatrixFactorizationPlugin
import ShortlistCore
import ShortlistTestSupport
import TripletEmbeddingPlugin
import WeightedAveragePlugin
import WeightedRatingPlugin
import WideAndDeepPlugin

/// The dataset decoded models must match, and the queries they are asked.
let planted = PlantedClusters()
let shape = ArtifactReader.Shape(
    items: planted.dataset.itemCount, users: planted.dataset.userCount, sources: ["a", "b"])
let queries = [
    planted.dataset.query(for: 0), planted.dataset.query(for: 7),
    planted.dataset.query(forUserID: "stranger"),
]

/// libFuzzer target: the first byte picks a model type, the rest is its artifact payload. A
/// decode must either throw an `ArtifactError` or give a model that answers every query without
/// trapping, with finite scores; anything else is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArtifact(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    var reader = ArtifactReader(
        bytes: Array(UnsafeBufferPointer(start: data + 1, count: size - 1)), shape: shape)
    do throws(ArtifactError) {
        switch data[0] % 7 {
        case 0: exercise(try WeightedRating.Model(reading: &reader))
        case 1: exercise(try MatrixFactorization.Model(reading: &reader))
        case 2: exercise(try ContentTFIDF.Model(reading: &reader))
        case 3: exercise(try TripletEmbedding.Model(reading: &reader))
        case 4: rank(try WeightedAverage.Model(reading: &reader))
        case 5: rank(try WideAndDeep.Model(reading: &reader))
        default: rank(try BanditBlend.Model(reading: &reader))
        }
    } catch {
        _ = error.message.count
    }
    return 0
}

/// Asks a decoded ranker to order a pool and explain it in detail, for every query.
func rank(_ model: some RankerModel) {
    let pool = CandidatePool(
        sources: ["a", "b"],
        lists: [
            [Candidate(item: 1, score: 2), Candidate(item: 2, score: 1)],
            [Candidate(item: 2, score: 5)],
        ])
    for query in queries + [times] {
        let ranked = model.detailed(model.rank(pool, for: query), in: pool, for: query)
        precondition(
            ranked.allSatisfy { $0.score.isFinite && $0.contributions.allSatisfy(\.value.isFinite) }
        )
    }
}

/// A query at a time far from the data's.
let times = Query(
    userID: "stranger", user: nil, excluded: ItemSet(capacity: shape.items), time: .min)

/// Asks a decoded model everything a pipeline asks.
func exercise(_ model: some CandidateModel) {
    for query in queries {
        let candidates = model.candidates(for: query, limit: 10)
        precondition(
            candidates.allSatisfy { $0.score.isFinite && $0.item >= 0 && $0.item < shape.items })
        for candidate in candidates.prefix(2) {
            _ = model.explain(item: candidate.item, for: query)
        }
        _ = model.explain(item: 3, for: query)
        _ = model.unavailability(for: query)
        _ = model.predictRating(of: 3, for: query)
    }
    _ = model.similarItems(to: 3, limit: 5)
}

#if !FUZZING
    /// Without libFuzzer: `--write-seeds DIR` writes one artifact of each model type fitted on
    /// planted data, as a seed corpus; otherwise runs the target on each file named.
    @main
    enum Reproduce {
        static func main() throws {
            let arguments = Array(CommandLine.arguments.dropFirst())
            if arguments.first == "--write-seeds", arguments.count == 2 {
                try writeSeeds(into: arguments[1])
                return
            }
            try replay(arguments, through: fuzzArtifact)
        }

        static func writeSeeds(into folder: String) throws {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true)
            let generators: [(UInt8, String, String)] = [
                (0, "weighted-rating", "{}"),
                (1, "matrix-factorization", #"{"factors": 4, "epochs": 2}"#),
                (
                    1, "matrix-factorization",
                    #"{"objective": "explicit", "factors": 4, "epochs": 2}"#
                ),
                (2, "tfidf", "{}"),
                (3, "triplet-embedding", #"{"dimensions": 4, "epochs": 1}"#),
            ]
            for (index, (selector, type, json)) in generators.enumerated() {
                let stage = try buildGenerator(type, json: json)
                let model = try stage.fit(TrainingData(dataset: planted.dataset), progress: .silent)
                var writer = ArtifactWriter()
                stage.write(model, to: &writer)
                try Data([selector] + writer.bytes).write(
                    to: URL(fileURLWithPath: "\(folder)/seed-\(index)-\(type)"))
            }
            var ranker = ArtifactWriter()
            ranker.write(["a", "b"])
            ranker.write([1.0, 0.5])
            ranker.write("min-max")
            ranker.write(60.0)
            try Data([4] + ranker.bytes).write(to: URL(fileURLWithPath: "\(folder)/seed-ranker"))
            let pools = (0..<20).map { user in
                LabelledPool(
                    query: planted.dataset.query(for: user),
                    pool: CandidatePool(
                        sources: ["a", "b"],
                        lists: [
                            (0..<10).map { Candidate(item: $0, score: Double(10 - $0)) },
                            (5..<15).map { Candidate(item: $0, score: Double(15 - $0)) },
                        ]),
                    positives: [user % 15], asOf: .max)
            }
            let learned = try WideAndDeep.make(
                try parameters(json: #"{"epochs": 1, "embedding-size": 2, "hidden": [4]}"#),
                context: BuildContext(stageName: "p", sourceNames: ["a", "b"], seed: 1)
            ).fit(
                RankerTrainingData(dataset: planted.dataset, sources: ["a", "b"], pools: pools),
                progress: .silent)
            let bandit = try BanditBlend.make(
                try parameters(json: #"{"policy": "ucb1"}"#),
                context: BuildContext(
                    stageName: "p", sourceNames: ["a", "b"], seed: 1,
                    arms: [
                        ArmReference(name: "a", source: 0), ArmReference(name: "b", source: nil),
                    ])
            ).fit(
                RankerTrainingData(dataset: planted.dataset, sources: ["a", "b"]), progress: .silent
            )
            var banditBytes = ArtifactWriter()
            bandit.write(to: &banditBytes)
            try Data([6] + banditBytes.bytes).write(
                to: URL(fileURLWithPath: "\(folder)/seed-bandit"))
            var wideAndDeep = ArtifactWriter()
            learned.write(to: &wideAndDeep)
            try Data([5] + wideAndDeep.bytes).write(
                to: URL(fileURLWithPath: "\(folder)/seed-wide-and-deep"))
        }
    }
#endif
