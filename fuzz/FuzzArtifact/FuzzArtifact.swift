import ContentTFIDFPlugin
import Foundation
import FuzzSupport
import MatrixFactorizationPlugin
import ShortlistCore
import ShortlistTestSupport
import TripletEmbeddingPlugin
import WeightedAveragePlugin
import WeightedRatingPlugin

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
        switch data[0] % 5 {
        case 0: exercise(try WeightedRating.Model(reading: &reader))
        case 1: exercise(try MatrixFactorization.Model(reading: &reader))
        case 2: exercise(try ContentTFIDF.Model(reading: &reader))
        case 3: exercise(try TripletEmbedding.Model(reading: &reader))
        default:
            let model = try WeightedAverage.Model(reading: &reader)
            let pool = CandidatePool(
                sources: ["a", "b"],
                lists: [
                    [Candidate(item: 1, score: 2), Candidate(item: 2, score: 1)],
                    [Candidate(item: 2, score: 5)],
                ])
            for query in queries {
                precondition(model.rank(pool, for: query).allSatisfy { $0.score.isFinite })
            }
        }
    } catch {
        _ = error.message.count
    }
    return 0
}

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
        }
    }
#endif
