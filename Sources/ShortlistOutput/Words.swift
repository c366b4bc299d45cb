public import ShortlistCore
public import ShortlistPipeline

/// Every sentence the CLI says about users, stages and reasons, made from structured data.
public enum Words {
    /// `known user with 39 interactions`; with interactions the request reported, `unknown
    /// user with 3 interactions, all fresh (the request's or the event log's) and folded in`.
    public static func user(_ status: UserStatus, fresh: Int = 0) -> String {
        switch status {
        case .unknown where fresh > 0, .noHistory where fresh > 0:
            "\(status == .unknown ? "unknown" : "known") user with \(fresh) "
                + "interaction\(fresh == 1 ? "" : "s"), all fresh (the request's or the event log's) and folded in"
        case .unknown: "unknown user: no history"
        case .noHistory: "known user with no history"
        case .history(let interactions):
            "known user with \(interactions) interaction\(interactions == 1 ? "" : "s")"
                + (fresh > 0
                    ? ", \(fresh) of them fresh (the request's or the event log's) and folded in"
                    : "")
        }
    }

    /// `thompson sampling`, `UCB1`, `ε-greedy`.
    public static func policy(_ policy: BanditPolicy) -> String {
        switch policy {
        case .thompson: "thompson"
        case .ucb1: "ucb1"
        case .epsilonGreedy: "epsilon-greedy"
        }
    }

    /// Every arm's state when the bandit decided: pulls, successes, failures, posterior mean
    /// with its 95% interval, and UCB1's value under UCB1.
    public static func bandit(_ decision: BanditDecision) -> String {
        let arms = decision.summaries.map { arm in
            var text =
                "\(arm.arm): pulls \(arm.state.pulls), successes "
                + "\(Format.number(arm.state.successes)), failures "
                + "\(Format.number(arm.state.failures)), posterior mean "
                + "\(Format.number(arm.posteriorMean)) (95%: \(Format.number(arm.interval.lowerBound))–"
                + "\(Format.number(arm.interval.upperBound)))"
            if let bound = arm.upperConfidenceBound {
                text += ", UCB " + (bound.isFinite ? Format.number(bound) : "∞ (not tried)")
            }
            return text
        }
        return "bandit (\(policy(decision.policy))) at decision time: "
            + arms.joined(separator: "; ")
    }

    /// Why a stage nominated nothing.
    public static func unavailable(_ reason: Unavailability) -> String {
        switch reason {
        case .unknownUser: "it needs a user it was fitted on and this id is unknown"
        case .noHistory: "it needs a history and this user has none"
        case .userNotFitted: "it needs a fitted user and this user had no interactions to fit"
        case .nothingLiked(let threshold):
            "it needs items the user liked and none is rated at least \(Format.number(threshold))"
        case .noPositiveScore: "no item the filters allow scores above zero for this user"
        case .allExcluded: "every item it would nominate is excluded by the filters"
        }
    }

    /// Ratings at least this read as "liked", as the evaluation's default relevance threshold.
    public static let likedRating: Float = 4

    /// `because you liked Star Wars (1977) 0.0535`, `less so because you rated Heat (1995) -0.01`,
    /// `shares comedy with Being There (1979) 0.0777` (in full, `shares 'genre:comedy' …`);
    /// `vocabulary` words the stage's own subjects.
    public static func reason(
        _ reason: Reason, query: Query, in pipeline: FittedPipeline, vocabulary: Vocabulary,
        detail: Detail = .full
    ) -> String {
        let liked = reason.historyItem.map { pipeline.describe($0).title }
        let value = Format.number(reason.value)
        switch reason.kind {
        case .historyItem:
            let cause =
                reason.historyItem.map { history($0, query: query, in: pipeline) }
                ?? "of your history"
            return (reason.value < 0 ? "less so because " : "because ") + cause + " \(value)"
        case .similarLikedItem: return "close to \(liked ?? "an item") you liked (cosine \(value))"
        default:
            let subject = reason.subject.map {
                Words.subject($0, in: vocabulary, detail: detail)
            }
            if reason.kind == .sharedTerm {
                return "shares \(subject ?? "")" + (liked.map { " with \($0)" } ?? "") + " \(value)"
            }
            return "\(subject ?? reason.kind.rawValue) \(value)"
        }
    }

    /// `you liked Star Wars (1977)` (rated at least ``likedRating``), `you rated Heat (1995)`
    /// (rated lower), or `of Heat (1995) in your history` when the data has no ratings; an item
    /// the request reported (a fresh interaction, a stored event) is what the user `just`
    /// did: `you just liked Star Wars (1977)`, `of Heat (1995), just now in your history`.
    public static func history(_ item: ItemIndex, query: Query, in pipeline: FittedPipeline)
        -> String
    {
        let title = pipeline.describe(item).title
        let just = query.isFresh(item)
        guard let rating = rating(of: item, query: query, in: pipeline) else {
            return just ? "of \(title), just now in your history" : "of \(title) in your history"
        }
        return "you \(just ? "just " : "")\(rating >= likedRating ? "liked" : "rated") \(title)"
    }

    /// `because you liked A 0.05 + … + other terms 0.12 = 0.41 · …`: the terms that add up to the
    /// stage's score (the `keep` largest, the rest folded), then the details. In plain words, a
    /// stage whose statistics say why (in its plugin's words) reads as those figures, with the
    /// score.
    public static func explanation(
        _ view: ItemExplanation.StageView, keep: Int, query: Query, in pipeline: FittedPipeline,
        detail: Detail = .full
    ) -> String {
        let explanation = view.explanation
        let vocabulary = pipeline.vocabulary(ofStage: view.name)
        let shown = explanation.keepingTop(keep)
        if detail == .plain, let summary = vocabulary.summary?(statistics(of: explanation)) {
            return summary.figures + " (score \(Format.number(shown.total)))"
        }
        func words(_ reason: Reason) -> String {
            Words.reason(
                reason, query: query, in: pipeline, vocabulary: vocabulary, detail: detail)
        }
        var text = shown.terms.map(words).joined(separator: " + ")
        if !shown.terms.isEmpty { text += " = \(Format.number(shown.total))" }
        return ([text].filter { !$0.isEmpty } + shown.details.map(words)).joined(separator: " · ")
    }
}
