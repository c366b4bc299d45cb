public import ShortlistCore

extension WeightedAverage {
    /// The weights and normalisation, ready to rank pools.
    public struct Model: RankerModel {
        /// The candidate stage names the weights belong to, in pipeline order.
        public let sources: [String]
        /// The weight of each source.
        public let weights: [Double]
        /// How raw scores are normalised.
        public let normalization: Normalization
        /// k in 1/(k + rank).
        public let rankConstant: Double

        /// Scores every pooled item as Σ wₛ · normₛ(score), best first (ties by item index).
        ///
        /// - Complexity: O(pool · sources + pool · log pool).
        public func rank(_ pool: CandidatePool, for query: Query) -> [Ranked] {
            let statistics = pool.sources.indices.map { source in
                Statistics(pool.entries.compactMap { $0.nomination(by: source)?.score })
            }
            var ranked = pool.entries.map { entry in
                var contributions: [Contribution] = []
                contributions.reserveCapacity(pool.sources.count)
                var score = 0.0
                for (source, name) in pool.sources.enumerated() {
                    let weight = source < weights.count ? weights[source] : 1
                    guard let nomination = entry.nomination(by: source) else {
                        contributions.append(
                            Contribution(.stage, value: 0, source: name))
                        continue
                    }
                    let (normalized, input, output) = normalize(nomination, statistics[source])
                    let value = weight * normalized
                    contributions.append(
                        Contribution(
                            .stage, value: value,
                            factors: [input, output, Factor("weight", weight)], source: name))
                    score += value
                }
                return Ranked(item: entry.item, score: score, contributions: contributions)
            }
            ranked.sort { $0.score != $1.score ? $0.score > $1.score : $0.item < $1.item }
            return ranked
        }

        /// Each pooled entry's normalised score from each source (0 where the source did not
        /// nominate it), entries × sources in pool order: what ``rank(_:for:)`` weighs.
        ///
        /// - Complexity: O(pool · sources).
        func normalizedScores(_ pool: CandidatePool) -> [Double] {
            let statistics = pool.sources.indices.map { source in
                Statistics(pool.entries.compactMap { $0.nomination(by: source)?.score })
            }
            let width = pool.sources.count
            var values = [Double](repeating: 0, count: pool.count * width)
            for (index, entry) in pool.entries.enumerated() {
                for nomination in entry.nominations {
                    values[index * width + nomination.source] =
                        normalize(nomination, statistics[nomination.source]).0
                }
            }
            return values
        }

        /// The normalised score, with the number it was made from and itself as factors.
        private func normalize(_ nomination: Nomination, _ statistics: Statistics)
            -> (value: Double, input: Factor, output: Factor)
        {
            switch normalization {
            case .minMax:
                let span = statistics.maximum - statistics.minimum
                let value = span > 0 ? (nomination.score - statistics.minimum) / span : 1
                return (value, Factor("score", nomination.score), Factor("min-max", value))
            case .zScore:
                let value =
                    statistics.deviation > 0
                    ? (nomination.score - statistics.mean) / statistics.deviation : 0
                return (value, Factor("score", nomination.score), Factor("z-score", value))
            case .reciprocalRank:
                let value = 1 / (rankConstant + Double(nomination.rank))
                return (
                    value, Factor("rank", Double(nomination.rank)), Factor("reciprocal-rank", value)
                )
            }
        }

        /// Itself: it reads only the pool's scores, whatever the items.
        public func servingCatalogue(_ update: CatalogueUpdate) -> (any RankerModel)? { self }

        public static let formatVersion = 1

        public func write(to writer: inout ArtifactWriter) {
            writer.write(sources)
            writer.write(weights)
            writer.write(normalization.rawValue)
            writer.write(rankConstant)
        }

        public init(reading reader: inout ArtifactReader) throws(ArtifactError) {
            sources = try reader.readStrings()
            try reader.expectSources(sources, "weighted-average")
            weights = try reader.readFiniteArray(of: Double.self, "weighted-average: the weights")
            let name = try reader.readString()
            guard let normalization = Normalization(rawValue: name), weights.count == sources.count
            else {
                throw ArtifactError(
                    .corrupt,
                    "weighted-average: unreadable normalisation '\(excerpt(name))' or weights")
            }
            self.normalization = normalization
            rankConstant = try reader.readFiniteDouble("weighted-average: the rank constant")
            guard rankConstant > 0 else {
                throw ArtifactError(.corrupt, "weighted-average: the rank constant is not positive")
            }
        }

        /// The same model with other weights.
        func with(weights: [Double]) -> Model {
            Model(
                sources: sources, weights: weights, normalization: normalization,
                rankConstant: rankConstant)
        }

        init(
            sources: [String], weights: [Double], normalization: Normalization, rankConstant: Double
        ) {
            self.sources = sources
            self.weights = weights
            self.normalization = normalization
            self.rankConstant = rankConstant
        }
    }
}

/// Minimum, maximum, mean and population standard deviation of one source's pooled scores.
private struct Statistics {
    var minimum = 0.0, maximum = 0.0, mean = 0.0, deviation = 0.0

    init(_ scores: [Double]) {
        guard let first = scores.first else { return }
        minimum = first
        maximum = first
        var sum = 0.0
        for score in scores {
            minimum = min(minimum, score)
            maximum = max(maximum, score)
            sum += score
        }
        mean = sum / Double(scores.count)
        var squares = 0.0
        for score in scores { squares += (score - mean) * (score - mean) }
        deviation = (squares / Double(scores.count)).squareRoot()
    }
}
