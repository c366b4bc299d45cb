/// One piece of a candidate stage's account of an item's score: data, never a sentence.
///
/// Only the CLI and the server turn reasons into words.
public struct Reason: Sendable, Equatable {
    /// What kind of reason this is; plugins may add kinds in their own folders.
    public struct Kind: RawRepresentable, Hashable, Sendable, Codable {
        /// The kind's name.
        public var rawValue: String
        /// A kind with the given name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// An item of the user's history and its share of the score.
        public static let historyItem = Kind(rawValue: "history-item")
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
        /// What the listed terms leave of the score (``Subject/remainder(_:)``): smaller terms
        /// folded together, or the gap between a fitted score and its decomposition.
        public static let remainder = Kind(rawValue: "remainder")
    }

    /// The reason's kind.
    public var kind: Kind
    /// A term's share of the score, or a statistic's or similarity's value.
    public var value: Double
    /// The item of the user's history the reason points at, if any.
    public var historyItem: ItemIndex?
    /// What within the kind: the shared token, the feature groups, the formula term or the
    /// statistic.
    public var subject: Subject?

    /// A reason.
    public init(_ kind: Kind, value: Double, historyItem: ItemIndex? = nil, subject: Subject? = nil)
    {
        self.kind = kind
        self.value = value
        self.historyItem = historyItem
        self.subject = subject
    }
}
