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
            ]
        }
    }

    public static let type = "weighted-average"
    public static let summary = "Weighted sum of each stage's normalised score: Σ w · norm(score)."

    let model: Model

    public static func make(_ params: Params, context: BuildContext) throws -> WeightedAverage {
        for (name, weight) in params.weights.sorted(by: { $0.key < $1.key }) {
            guard context.sourceNames.contains(name) else {
                var message =
                    "'weights' names '\(name)', which is not a candidate stage of pipeline "
                    + "'\(context.stageName)'"
                if let suggestion = closestMatch(to: name, in: context.sourceNames) {
                    message += ". Did you mean '\(suggestion)'?"
                } else {
                    message += "; its stages are \(context.sourceNames.joined(separator: ", "))"
                }
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
            model: Model(
                sources: context.sourceNames,
                weights: context.sourceNames.map { params.weights[$0] ?? 1 },
                normalization: params.normalization, rankConstant: params.rankConstant
            ))
    }

    /// Nothing to learn: the model is the parameters.
    public func fit(_ data: RankerTrainingData, progress: ProgressReporter) throws -> Model {
        model
    }
}
