public import ShortlistCore
public import ShortlistPipeline

extension FittedPipeline {
    /// The words of the terms candidate stage `name`'s explanations hold.
    public func vocabulary(ofStage name: String) -> Vocabulary {
        stages.first { $0.name == name }?.vocabulary ?? .none
    }
}

/// How the terms of explanations read: the words each plugin declares for its own subjects and
/// kinds (its ``Vocabulary``), and the words for what Core defines (liked items, shared tokens,
/// stages, arms, remainders). No plugin's vocabulary is written here.
extension Words {
    /// A reason's subject in words: as the model names it (a name's dashes read as spaces) or
    /// in the plain words its plugin declares.
    public static func subject(_ subject: Subject, in vocabulary: Vocabulary, detail: Detail)
        -> String
    {
        func name(_ name: String) -> String {
            let words = vocabulary.names[name]
            return detail == .plain
                ? words?.plain ?? spaced(name) : words?.full ?? spaced(name)
        }
        switch subject {
        case .named(let named): return name(named)
        case .pair(let user, let item):
            if detail == .plain, vocabulary.names[user] != nil, vocabulary.names[item] != nil {
                return "\(name(user)) with \(name(item))"
            }
            return "\(spaced(vocabulary.names[user]?.full ?? user)) × "
                + spaced(vocabulary.names[item]?.full ?? item)
        case .token(let token): return detail == .plain ? Words.token(token) : "'\(token)'"
        case .arm(let arm): return arm
        case .remainder(.otherTerms): return "other terms"
        case .remainder(.fitApproximation):
            return detail == .plain ? "what the fitted model adds" : "fit approximation"
        }
    }

    /// A ranker's term's name: its kind's words (from the ranker's vocabulary, or Core's for
    /// a stage's share and an arm's place) with its subject in place of `{}`. A subject keeps
    /// the model's name in a term, as the features are named by the data.
    public static func name(
        of contribution: Contribution, in vocabulary: Vocabulary, detail: Detail
    ) -> String {
        let subject: String =
            switch contribution.subject {
            case .named(let name)?:
                detail == .plain ? vocabulary.names[name]?.plain ?? name : name
            case let other?: other.description
            case nil: ""
            }
        switch contribution.kind {
        case .stage: return contribution.source ?? subject
        case .placedByArm: return "placed by arm \(subject)"
        case .heldByNoArm: return "held by no arm"
        default:
            guard let words = vocabulary.contributions[contribution.kind] else {
                return spaced(contribution.kind.rawValue) + (subject.isEmpty ? "" : " \(subject)")
            }
            return (detail == .plain ? words.plain : words.full).replacingOccurrences(
                of: "{}", with: subject)
        }
    }

    /// A name's dashes as spaces.
    private static func spaced(_ name: String) -> String {
        name.replacingOccurrences(of: "-", with: " ")
    }
}
