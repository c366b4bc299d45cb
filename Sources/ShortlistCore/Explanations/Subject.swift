/// What a term of an explanation is about, within its kind: a typed value, never a sentence.
/// The plugin that emits a subject declares its words (``Vocabulary``); the front ends word it.
///
/// Boxed, so that a term holds one pointer for it: rankers make terms for every pooled item,
/// most of them without a subject.
public indirect enum Subject: Hashable, Sendable, CustomStringConvertible {
    /// A name the emitting plugin declares in its ``Vocabulary/names``: a formula term, a
    /// statistic, a feature or a feature group (`user-bias`, `votes`, `source-rank als …`).
    case named(String)
    /// A content token of an item, from the shared feature vocabulary.
    case token(ContentToken)
    /// A user-side feature group with an item-side one, each a name the plugin declares.
    case pair(String, String)
    /// A bandit arm, by name.
    case arm(String)
    /// What the listed terms leave of a score.
    case remainder(Remainder)

    /// The subject as one code (`user-bias`, `genre:comedy`, `history×item-genres`,
    /// `other-terms`): how JSON carries it and how a model's own terms name it.
    public var description: String {
        switch self {
        case .named(let name), .arm(let name): name
        case .token(let token): token.description
        case .pair(let user, let item): "\(user)×\(item)"
        case .remainder(let remainder): remainder.rawValue
        }
    }
}

/// A token of an item's content that terms can share: its genres, its decade and year, the
/// words of its title.
public enum ContentToken: Hashable, Sendable, CustomStringConvertible {
    case genre(String)
    case decade(String)
    case year(String)
    case titleWord(String)

    /// `genre:comedy`, `decade:1990s`, `year:1995`, or the title word itself.
    public var description: String {
        switch self {
        case .genre(let genre): "genre:\(genre)"
        case .decade(let decade): "decade:\(decade)"
        case .year(let year): "year:\(year)"
        case .titleWord(let word): word
        }
    }

    /// The token a ``description`` names.
    public init(code: String) {
        for (prefix, token) in [
            ("genre:", ContentToken.genre), ("decade:", ContentToken.decade),
            ("year:", ContentToken.year),
        ] where code.hasPrefix(prefix) {
            self = token(String(code.dropFirst(prefix.count)))
            return
        }
        self = .titleWord(code)
    }
}

/// What a remainder term holds.
public enum Remainder: String, Hashable, Sendable {
    /// The smaller terms a display folds together.
    case otherTerms = "other-terms"
    /// The gap between a fitted score and its closed-form decomposition.
    case fitApproximation = "fit-approximation"
}
