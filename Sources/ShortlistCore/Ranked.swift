/// A named number that went into a contribution, such as a raw score, a normalised score or a weight.
public struct Factor: Sendable, Equatable, Codable {
    /// What the number is, e.g. `score`, `min-max`, `weight`.
    public var name: String
    /// Its value.
    public var value: Double

    /// A factor.
    public init(_ name: String, _ value: Double) {
        self.name = name
        self.value = value
    }
}

/// One term of a ranker's final score, produced by the code that computes the score: a kind
/// and a subject, never a sentence (the ranker's ``Vocabulary`` words them).
public struct Contribution: Sendable, Equatable {
    /// What kind of term this is; a plugin adds kinds in its own folder and declares their
    /// words in its ``Vocabulary``.
    public struct Kind: RawRepresentable, Hashable, Sendable {
        /// The kind's name.
        public var rawValue: String
        /// A kind with the given name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A candidate stage's share (the stage is its ``Contribution/source``): its score for the
        /// item, weighed.
        public static var stage: Kind { Kind(rawValue: "stage") }
        /// The place a bandit arm (``Subject/arm(_:)``) gave the item.
        public static var placedByArm: Kind { Kind(rawValue: "placed-by-arm") }
        /// The place of an item no arm placed, after every placed one.
        public static var heldByNoArm: Kind { Kind(rawValue: "held-by-no-arm") }
    }

    /// What kind of term this is.
    public var kind: Kind
    /// What within the kind, if the kind needs one: the stage, the arm, the feature.
    public var subject: Subject?
    /// The term's value; a ranked item's contributions add up to its score.
    public var value: Double
    /// The numbers the term was made from, in the order they combine.
    public var factors: [Factor]
    /// The candidate stage the term comes from (its score, rank or nomination), if it comes
    /// from one: what explanations sum to say how much each stage weighed.
    public var source: String?

    /// A contribution.
    public init(
        _ kind: Kind, subject: Subject? = nil, value: Double, factors: [Factor] = [],
        source: String? = nil
    ) {
        self.kind = kind
        self.subject = subject
        self.value = value
        self.factors = factors
        self.source = source
    }
}

/// An item as a ranker ordered it: its final score and the terms that make it up.
public struct Ranked: Sendable, Equatable {
    /// The item.
    public var item: ItemIndex
    /// The final score; higher ranks first.
    public var score: Double
    /// Terms whose values sum to ``score``.
    public var contributions: [Contribution]
    /// For a bandit's response, the arm that placed the item and its propensity.
    public var placement: Placement?
    /// What each re-rank step did to it, in step order (none without a `rerank:` section).
    public var moves: [RerankMove] = []

    /// A ranked item.
    public init(
        item: ItemIndex, score: Double, contributions: [Contribution], placement: Placement? = nil
    ) {
        self.item = item
        self.score = score
        self.contributions = contributions
        self.placement = placement
    }
}
