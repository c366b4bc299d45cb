/// One user's request as the pipeline answered it during two-stage ranker training, and the
/// items that user went on to like: what a learned ranker learns from.
public struct LabelledPool: Sendable {
    /// The request, with the user's history up to the holdout boundary and every filter applied.
    public var query: Query
    /// The candidates the generators (fitted without the held-out interactions) nominated.
    public var pool: CandidatePool
    /// The held-out items the user liked, sorted: the positives, whether pooled or not.
    public var positives: [ItemIndex]
    /// The user's holdout boundary (the time of their first held-out interaction): features
    /// that depend on time are computed as of then.
    public var asOf: Int64

    /// A labelled pool.
    public init(query: Query, pool: CandidatePool, positives: [ItemIndex], asOf: Int64) {
        self.query = query
        self.pool = pool
        self.positives = positives
        self.asOf = asOf
    }

    /// Whether each pooled entry, in pool order, is a positive.
    public var labels: [Bool] {
        let set = Set(positives)
        return pool.entries.map { set.contains($0.item) }
    }
}

/// How a learned ranker wants its training data made: hold out the latest `holdout` of each
/// user's interactions, fit the generators on the rest, run the pipeline, and label each pooled
/// item by whether the user rated it at least `positiveRating` in the held-out part.
public struct TwoStageTraining: Sendable, Equatable {
    /// The share of each user's latest interactions held out, in (0, 1).
    public var holdout: Double
    /// Held-out interactions rated at least this are positives (every one, without ratings).
    public var positiveRating: Double
    /// The most users whose pools are made and labelled: when more users have a held-out
    /// positive, a sample of this many, drawn with the pipelines file's seed. What the ranker
    /// holds while it trains grows with this, not with the log.
    public var users: Int

    /// The users a learned ranker trains on unless its configuration says otherwise.
    public static let defaultUsers = 20_000

    /// A two-stage training set-up.
    public init(holdout: Double, positiveRating: Double, users: Int = defaultUsers) {
        self.holdout = holdout
        self.positiveRating = positiveRating
        self.users = users
    }
}
