/// The words for the terms a plugin emits, declared in the plugin's own folder
/// (``Plugin/vocabulary``) and carried by its registry entry: the front ends ask for them, so a
/// new plugin's explanations read in plain words without an edit anywhere else.
///
/// Kinds and subjects that Core defines (a liked item, a shared token, a stage's share, an
/// arm's place, a remainder) are worded by the front ends themselves.
public struct Vocabulary: Sendable {
    /// A term's words as the model names it (`--detail`) and in plain words.
    public struct Words: Sendable, Equatable {
        /// The model's own name for the term.
        public var full: String
        /// The same in words anyone reads.
        public var plain: String

        /// Words; `plain` defaults to `full`.
        public init(_ full: String, plain: String? = nil) {
            self.full = full
            self.plain = plain ?? full
        }
    }

    /// What a stage's statistics say about an item: why it nominated it, and the figures.
    public struct Summary: Sendable, Equatable {
        /// Why, in a few words: `it is popular lately`.
        public var reason: String
        /// The figures behind it: `290 votes, mean rating 3.91 against the 3.53 average`.
        public var figures: String

        /// A summary.
        public init(reason: String, figures: String) {
            self.reason = reason
            self.figures = figures
        }
    }

    /// What a ranker's scores are on, so that a front end shows them on a scale a person reads.
    public enum Scale: Sendable, Equatable {
        /// As they are.
        case plain
        /// Log-odds of being liked: shown as the probability they stand for.
        case logit
        /// Places in a blended list counted from its end: shown as the arm that placed the
        /// item.
        case place
    }

    /// The words of each kind of contribution the plugin emits, where `{}` stands for the
    /// subject's words (`wide: {}`).
    public var contributions: [Contribution.Kind: Words]
    /// The words of the names in the plugin's subjects (``Subject/named(_:)`` and each side of
    /// ``Subject/pair(_:_:)``): formula terms, statistics, features, feature groups.
    public var names: [String: Words]
    /// What an item's statistics (``Reason/Kind/statistic``, by name) say about it in plain
    /// words, when they say what the stage saw in it; nil when they do not (its terms speak).
    public var summary: (@Sendable (_ statistics: [String: Double]) -> Summary?)?
    /// For a ranker, what its scores are on.
    public var scale: Scale

    /// A vocabulary.
    public init(
        contributions: [Contribution.Kind: Words] = [:], names: [String: Words] = [:],
        summary: (@Sendable (_ statistics: [String: Double]) -> Summary?)? = nil,
        scale: Scale = .plain
    ) {
        self.contributions = contributions
        self.names = names
        self.summary = summary
        self.scale = scale
    }

    /// No words of its own: subjects read as the model names them.
    public static let none = Vocabulary()

    /// This vocabulary with `other`'s words added where this one has none.
    public func merging(_ other: Vocabulary) -> Vocabulary {
        Vocabulary(
            contributions: contributions.merging(other.contributions) { mine, _ in mine },
            names: names.merging(other.names) { mine, _ in mine },
            summary: summary ?? other.summary, scale: scale)
    }
}
