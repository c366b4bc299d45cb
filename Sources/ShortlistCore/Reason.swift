/// One piece of a candidate stage's account of an item's score: data, never a sentence.
///
/// Only the CLI and the server turn reasons into words.
public struct Reason: Sendable, Equatable, Codable {
    /// What kind of reason this is; plugins may add kinds in their own folders.
    public struct Kind: RawRepresentable, Hashable, Sendable, Codable {
        /// The kind's name.
        public var rawValue: String
        /// A kind with the given name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// An item of the user's history and its share of the score.
        public static let likedItem = Kind(rawValue: "liked-item")
        /// A term (``Reason/subject``) the item shares with a liked item, and its share of the score.
        public static let sharedTerm = Kind(rawValue: "shared-term")
        /// A pair of feature groups, user side × item side (``Reason/subject``), and its share of the score.
        public static let featureGroup = Kind(rawValue: "feature-group")
        /// A named term of the model's formula (``Reason/subject``), such as a bias.
        public static let modelTerm = Kind(rawValue: "model-term")
        /// A statistic the score is computed from (``Reason/subject``), such as a vote count.
        public static let statistic = Kind(rawValue: "statistic")
        /// A liked item close to this one, with the similarity as the value.
        public static let similarLikedItem = Kind(rawValue: "similar-liked-item")
        /// What the listed terms leave of the score: smaller terms folded together
        /// (``Reason/otherTerms``) or the gap between a fitted score and its decomposition
        /// (``Reason/fitApproximation``).
        public static let remainder = Kind(rawValue: "remainder")
    }

    /// The reason's kind.
    public var kind: Kind
    /// A term's share of the score, or a statistic's or similarity's value.
    public var value: Double
    /// The item of the user's history the reason points at, if any.
    public var likedItem: ItemIndex?
    /// What within the kind: the shared term, the feature groups, the formula term or the statistic.
    public var subject: String?

    /// A reason.
    public init(_ kind: Kind, value: Double, likedItem: ItemIndex? = nil, subject: String? = nil) {
        self.kind = kind
        self.value = value
        self.likedItem = likedItem
        self.subject = subject
    }

    /// The subject of a remainder that folds the terms a display leaves out.
    public static let otherTerms = "other-terms"
    /// The subject of a remainder between a fitted score and its closed-form decomposition.
    public static let fitApproximation = "fit-approximation"
}

/// Why a candidate stage scores an item as it does, from the same numbers that score it.
public struct Explanation: Sendable, Equatable, Codable {
    /// Terms that add up to the stage's score for the item (largest first, remainders last).
    public var terms: [Reason]
    /// More about the score that is not a share of it: a formula's inputs, similar liked items.
    public var details: [Reason]

    /// An explanation.
    public init(terms: [Reason] = [], details: [Reason] = []) {
        self.terms = terms
        self.details = details
    }

    /// No account: the stage does not score the item for this request.
    public static let none = Explanation()

    /// Whether there is nothing to say.
    public var isEmpty: Bool { terms.isEmpty && details.isEmpty }

    /// The sum of the terms: the stage's score.
    public var total: Double { terms.reduce(0) { $0 + $1.value } }

    /// The `count` largest terms by size, everything else folded into one ``Reason/otherTerms``
    /// remainder, so the terms still add up to the score.
    public func keepingTop(_ count: Int) -> Explanation {
        guard terms.count > count else { return self }
        let order = terms.indices.sorted { abs(terms[$0].value) != abs(terms[$1].value) ? abs(terms[$0].value) > abs(terms[$1].value) : $0 < $1 }
        let kept = Set(order.prefix(count))
        let rest = terms.indices.filter { !kept.contains($0) }.reduce(0.0) { $0 + terms[$1].value }
        let shown = terms.indices.filter(kept.contains).map { terms[$0] }
        return Explanation(terms: shown + [Reason(.remainder, value: rest, subject: Reason.otherTerms)], details: details)
    }
}

extension [Reason] {
    /// The terms ordered largest share first, ties by liked item then subject.
    public func largestFirst() -> [Reason] {
        sorted {
            if $0.value != $1.value { return $0.value > $1.value }
            if $0.likedItem != $1.likedItem { return ($0.likedItem ?? -1) < ($1.likedItem ?? -1) }
            return ($0.subject ?? "") < ($1.subject ?? "")
        }
    }
}
