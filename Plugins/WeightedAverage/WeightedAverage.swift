public import ShortlistCore

/// Orders the pool by Σ wₛ · normₛ(score) over the candidate stages.
///
/// Each stage's raw scores are normalised over the items in the pool, so stages with
/// different scales can be mixed. A stage that did not nominate an item contributes 0.
public struct WeightedAverage: Ranker {
    /// How a stage's raw scores are made comparable.
    public enum Normalization: String, ParameterChoice {
        /// (s − min) / (max − min) over the stage's pooled scores; 1 when they are all equal.
        case minMax = "min-max"
        /// (s − mean) / standard deviation over the stage's pooled scores; 0 when they are all equal.
        case zScore = "z-score"
        /// 1 / (k + rank), rank from 1 in the stage's list (Cormack et al. 2009).
        case reciprocalRank = "reciprocal-rank"
    }

    /// The parameters under a `weighted-average` ranker. Each is declared, with its key, range
    /// and documentation, in `declarations`; the property holds its default.
    public struct Params: PluginParameters {
        public var normalization = Normalization.minMax
        public var rankConstant = 60.0
        public var weights: [String: Double] = [:]
        public var learn = false
        public var holdout = 0.2
        public var positiveRating = 4.0

        public init() {}

        public static var declarations: [ParameterDeclaration<Self>] {
            [
                .init(
                    "normalization", \.normalization,
                    "how each stage's raw scores are made comparable"),
                .init(
                    "rank-constant", \.rankConstant, .positive(atMost: 1_000_000),
                    "k in 1/(k + rank) for reciprocal-rank"),
                .init(
                    "weights", \.weights,
                    "the weight of each candidate stage's normalised score; stages not listed "
                        + "weigh 1"
                ),
                .init(
                    "learn", \.learn,
                    "fit the weights on two-stage labels (starting from 'weights') instead of "
                        + "using them"),
                .init(
                    "holdout", \.holdout, .between(0.05, 0.5),
                    "with learn: the share of each user's latest interactions held out to "
                        + "make labels"),
                .init(
                    "positive-rating", \.positiveRating, .between(-1_000_000, 1_000_000),
                    "with learn: held-out interactions rated at least this are positives"),
            ]
        }
    }

    public static let type = "weighted-average"
    public static let summary = "Weighted sum of each stage's normalised score: Σ w · norm(score)."

    public let twoStage: TwoStageTraining?
    let model: Model

    public static func make(_ params: Params, context: BuildContext) throws -> WeightedAverage {
        for (name, weight) in params.weights.sorted(by: { $0.key < $1.key }) {
            guard context.sourceNames.contains(name) else {
                let message = suggesting(
                    "'weights' names '\(name)', which is not a candidate stage of pipeline "
                        + "'\(context.stageName)'", for: name, in: context.sourceNames,
                    otherwise: "; its stages are \(context.sourceNames.joined(separator: ", "))")
                throw ParameterError(
                    keyPath: ["weights", name], message: message, isAboutKey: true)
            }
            let bounds = ParameterBounds.between(-1_000_000, 1_000_000)
            guard bounds.contains(weight) else {
                throw ParameterError(
                    keyPath: ["weights", name],
                    message: "the weight of '\(name)' \(bounds.requirement), found "
                        + "\(plainNumber(weight))")
            }
        }
        return WeightedAverage(
            twoStage: params.learn
                ? TwoStageTraining(holdout: params.holdout, positiveRating: params.positiveRating)
                : nil,
            model: Model(
                sources: context.sourceNames,
                weights: context.sourceNames.map { params.weights[$0] ?? 1 },
                normalization: params.normalization, rankConstant: params.rankConstant
            ))
    }

    /// With `learn`, the weights that rank the labelled pools best (mean NDCG@10), found by
    /// coordinate search over a grid from the given weights; otherwise the parameters.
    ///
    /// - Complexity: O(passes · sources · grid · pools · pool · log pool).
    public func fit(_ data: RankerTrainingData, progress: ProgressReporter) throws -> Model {
        guard let twoStage else { return model }
        guard !data.pools.isEmpty else {
            throw ParameterError(
                keyPath: ["positive-rating"],
                message: "no user has a held-out interaction rated at least "
                    + "\(plainNumber(twoStage.positiveRating)), so there is nothing to learn from")
        }
        let grid: [Double] = [0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3]
        let pools = ScoredPools(data.pools, model: model)
        var best = model
        var bestScore = pools.meanNDCG(best.weights)
        for pass in 0..<3 {
            let before = bestScore
            for source in best.sources.indices {
                for value in grid where value != best.weights[source] {
                    var weights = best.weights
                    weights[source] = value
                    let score = pools.meanNDCG(weights)
                    if score > bestScore {
                        (best, bestScore) = (best.with(weights: weights), score)
                    }
                }
            }
            progress.report(
                "coordinate search, NDCG@10 on the labelled pools "
                    + "\(String(format: "%.4f", bestScore))",
                done: pass + 1, total: 3)
            if bestScore <= before { break }
        }
        return best
    }
}

/// The labelled pools with their normalised scores, which do not depend on the weights.
private struct ScoredPools: Sendable {
    let pools: [LabelledPool]
    let scores: [[Double]]

    init(_ pools: [LabelledPool], model: WeightedAverage.Model) {
        self.pools = pools
        scores = pools.map { model.normalizedScores($0.pool) }
    }

    /// The mean NDCG@10 of ranking every pool by Σ w · normalised score, as the model ranks
    /// (ties by item index); pools are scored on every core and summed in order.
    ///
    /// - Complexity: O(pools · pool · sources), divided by the cores.
    func meanNDCG(_ weights: [Double]) -> Double {
        let values = concurrentMap(pools.count) { ndcg($0, weights) }
        return values.reduce(0, +) / Double(max(pools.count, 1))
    }

    private func ndcg(_ index: Int, _ weights: [Double]) -> Double {
        let pool = pools[index].pool
        let values = scores[index]
        let width = weights.count
        var top = TopK(k: 10)
        for (row, entry) in pool.entries.enumerated() {
            var score = 0.0
            for source in 0..<width { score += weights[source] * values[row * width + source] }
            top.insert(entry.item, score: score)
        }
        return RankingScores(
            recommended: top.sorted().map(\.item), relevant: Set(pools[index].positives), k: 10
        ).ndcg
    }
}
