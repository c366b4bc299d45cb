public import ShortlistCore

extension WeightedRating {
    /// Fitted weighted ratings (or, for data without ratings, vote counts), with the catalogue
    /// ordered once at fit time.
    public struct Model: CandidateModel {
        /// Each item's (decayed) vote count v.
        public let votes: [Double]
        /// Whether items are scored by their vote count alone (the data had no ratings).
        public let byVotes: Bool
        /// The half-life of a vote in days, when votes decay with age.
        public let halfLifeDays: Double?
        /// Each item's mean rating R (0 for unrated items).
        public let means: [Double]
        /// The mean rating C over all votes.
        public let globalMean: Double
        /// The vote count m at which an item's own mean and C weigh equally.
        public let minVotes: Double
        /// Each item's weighted rating.
        public let scores: [Double]
        /// Items by weighted rating, then votes, then index.
        let order: [Int32]

        init(
            votes: [Double], means: [Double], globalMean: Double, minVotes: Double,
            halfLifeDays: Double?
        ) {
            self.init(
                votes: votes, means: means, globalMean: globalMean, minVotes: minVotes,
                byVotes: false, halfLifeDays: halfLifeDays)
        }

        /// Items scored by their vote count, for data without ratings.
        init(votes: [Double], halfLifeDays: Double?) {
            self.init(
                votes: votes, means: [Double](repeating: 0, count: votes.count), globalMean: 0,
                minVotes: 0, byVotes: true, halfLifeDays: halfLifeDays)
        }

        private init(
            votes: [Double], means: [Double], globalMean: Double, minVotes: Double, byVotes: Bool,
            halfLifeDays: Double?
        ) {
            self.votes = votes
            self.means = means
            self.globalMean = globalMean
            self.minVotes = minVotes
            self.byVotes = byVotes
            self.halfLifeDays = halfLifeDays
            let scores =
                byVotes
                ? votes
                : votes.indices.map { item in
                    Self.weightedRating(v: votes[item], r: means[item], c: globalMean, m: minVotes)
                }
            self.scores = scores
            self.order = votes.indices.sorted {
                (scores[$0], votes[$0], -$0) > (scores[$1], votes[$1], -$1)
            }.map { Int32($0) }
        }

        /// WR = v/(v+m)·R + m/(v+m)·C; C when v + m is 0.
        static func weightedRating(v: Double, r: Double, c: Double, m: Double) -> Double {
            v + m > 0 ? v / (v + m) * r + m / (v + m) * c : c
        }

        /// The model with the items the catalogue gained since the fit, each with its
        /// interactions from the event log as votes (undecayed: they are recent) and its mean
        /// rating as R: an item no one has rated yet scores the prior C, as any item without
        /// votes does.
        ///
        /// - Complexity: O(items · log items) to order the catalogue again.
        public func servingCatalogue(_ update: CatalogueUpdate) -> (any CandidateModel)? {
            guard !update.newItems.isEmpty else { return self }
            var votes = self.votes
            var means = self.means
            for item in update.newItems {
                let ratings = (update.interactions[item] ?? []).map { Double($0.rating) }
                votes.append(Double(ratings.count))
                means.append(ratings.isEmpty ? 0 : ratings.reduce(0, +) / Double(ratings.count))
            }
            return Model(
                votes: votes, means: means, globalMean: globalMean, minVotes: minVotes,
                byVotes: byVotes, halfLifeDays: halfLifeDays)
        }

        /// The top items by weighted rating, skipping excluded ones.
        ///
        /// - Complexity: O(limit + excluded items passed over).
        public func candidates(for query: Query, limit: Int) -> [Candidate] {
            var result: [Candidate] = []
            result.reserveCapacity(min(limit, order.count))
            for item in order where result.count < limit {
                let index = Int(item)
                if !query.excluded.contains(index) {
                    result.append(Candidate(item: index, score: scores[index]))
                }
            }
            return result
        }

        /// WR's two terms, v/(v+m)·R (the item's own mean) and m/(v+m)·C (the prior), with
        /// v, R, C and m as details; by votes, the one term v.
        public func explain(item: ItemIndex, for query: Query) -> Explanation {
            guard scores.indices.contains(item) else { return .none }
            let v = votes[item]
            let decay = halfLifeDays.map {
                Reason(.statistic, value: $0, subject: .named("half-life-days"))
            }
            if byVotes {
                return Explanation(
                    terms: [Reason(.statistic, value: v, subject: .named("votes"))],
                    details: decay.map { [$0] } ?? [])
            }
            let r = means[item]
            let c = globalMean
            let m = minVotes
            let terms =
                v + m > 0
                ? [
                    Reason(.modelTerm, value: v / (v + m) * r, subject: .named("own-mean-share")),
                    Reason(.modelTerm, value: m / (v + m) * c, subject: .named("prior-share")),
                ]
                : [Reason(.modelTerm, value: c, subject: .named("prior-share"))]
            return Explanation(
                terms: terms,
                details: [
                    Reason(.statistic, value: v, subject: .named("votes")),
                    Reason(.statistic, value: r, subject: .named("mean-rating")),
                    Reason(.statistic, value: c, subject: .named("global-mean-rating")),
                    Reason(.statistic, value: m, subject: .named("min-votes")),
                ] + (decay.map { [$0] } ?? []))
        }

        /// Always nil: popularity serves every user, cold or not.
        public func unavailability(for query: Query) -> Unavailability? { nil }

        public static let formatVersion = 2

        public func write(to writer: inout ArtifactWriter) {
            writer.write(byVotes ? 1 : 0)
            writer.write(halfLifeDays ?? 0)
            writer.write(globalMean)
            writer.write(minVotes)
            writer.write(votes)
            writer.write(means)
        }

        public init(reading reader: inout ArtifactReader) throws(ArtifactError) {
            let scoring = try reader.readInt()
            guard scoring == 0 || scoring == 1 else {
                throw ArtifactError(.corrupt, "weighted-rating: unknown scoring \(scoring)")
            }
            let byVotes = scoring == 1
            let halfLife = try reader.readFiniteDouble("weighted-rating: the half-life")
            guard halfLife >= 0 else {
                throw ArtifactError(.corrupt, "weighted-rating: a negative half-life")
            }
            let globalMean = try reader.readFiniteDouble("weighted-rating: the global mean")
            let minVotes = try reader.readFiniteDouble("weighted-rating: m")
            let votes = try reader.readFiniteArray(
                of: Double.self, "weighted-rating: the vote counts")
            try reader.expectItems(votes.count, "weighted-rating")
            let means = try reader.readFiniteArray(of: Double.self, "weighted-rating: the means")
            guard votes.count == means.count, minVotes >= 0, votes.allSatisfy({ $0 >= 0 }) else {
                throw ArtifactError(
                    .corrupt, "weighted-rating: \(votes.count) vote counts but \(means.count) means"
                )
            }
            self.init(
                votes: votes, means: means, globalMean: globalMean, minVotes: minVotes,
                byVotes: byVotes, halfLifeDays: halfLife > 0 ? halfLife : nil)
        }
    }
}
