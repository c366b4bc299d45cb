import Foundation
public import ShortlistCore

/// Nominates the items with the highest IMDB weighted rating, the same list for every user.
///
/// WR = v/(v+m)·R + m/(v+m)·C, where v is the item's vote count, R its mean rating, C the mean
/// rating over all votes and m the votes needed before an item's own mean dominates. With a
/// half-life, each vote counts 0.5^(age/half-life), age measured from the newest vote. Data
/// without ratings has no means to weigh, so items are ranked by their (decayed) vote count.
public struct WeightedRating: CandidateGenerator {
    /// The parameters under a `weighted-rating` stage. Each is declared, with its key, range
    /// and documentation, in `declarations`; the property holds its default.
    public struct Params: PluginParameters {
        public var minVotes: Double?
        public var minVotesQuantile = 0.9
        public var halfLifeDays: Double?

        public init() {}

        public static var declarations: [ParameterDeclaration<Self>] {
            [
                .init(
                    "min-votes", \.minVotes, .between(0, 1e12),
                    "m as an absolute vote count; when set, min-votes-quantile is not used",
                    unset: "unset"),
                .init(
                    "min-votes-quantile", \.minVotesQuantile, .between(0, 1),
                    "m as this quantile of the rated items' vote counts"),
                .init(
                    "half-life-days", \.halfLifeDays, .positive(atMost: 1_000_000),
                    "votes this many days older than the newest count half", unset: "no decay"),
            ]
        }
    }

    public static let type = "weighted-rating"
    public static let summary =
        "Popularity by IMDB weighted rating v/(v+m)·R + m/(v+m)·C, optionally decayed by age."

    let params: Params

    /// A half-life needs the interactions' times.
    public var requiredFields: [FieldRequirement] {
        params.halfLifeDays == nil
            ? [] : [FieldRequirement(.timestamps, keyPath: ["half-life-days"])]
    }

    public static func make(_ params: Params, context: BuildContext) throws -> WeightedRating {
        return WeightedRating(params: params)
    }

    /// Counts every item's (decayed) votes and mean rating (votes alone without ratings).
    ///
    /// - Complexity: O(interactions + items · log items).
    public func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model {
        let dataset = data.dataset
        let byItem = dataset.byItem
        let newest = byItem.timestamps.max() ?? 0
        let decay: Double? = params.halfLifeDays.map { log(2) / ($0 * 86_400) }
        var votes = [Double](repeating: 0, count: dataset.itemCount)
        var means = [Double](repeating: 0, count: dataset.itemCount)
        var totalWeight = 0.0
        var totalRating = 0.0
        for item in 0..<dataset.itemCount {
            var weight = 0.0
            var rating = 0.0
            for entry in byItem.range(of: item) {
                // Ages in Double: the difference of two Int64 timestamps can overflow.
                let age = Double(newest) - Double(byItem.timestamps[entry])
                let w = decay.map { exp(-$0 * age) } ?? 1
                weight += w
                rating += w * Double(byItem.ratings[entry])
            }
            votes[item] = weight
            means[item] = weight > 0 ? rating / weight : 0
            totalWeight += weight
            totalRating += rating
            progress.report("counting votes", done: item + 1, total: dataset.itemCount)
        }
        guard dataset.hasRatings else {
            return Model(votes: votes, halfLifeDays: params.halfLifeDays)
        }
        let globalMean = totalWeight > 0 ? totalRating / totalWeight : 0
        let m = params.minVotes ?? quantile(votes.filter { $0 > 0 }, params.minVotesQuantile) ?? 0
        return Model(
            votes: votes, means: means, globalMean: globalMean, minVotes: m,
            halfLifeDays: params.halfLifeDays)
    }
}
