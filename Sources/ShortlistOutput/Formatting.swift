import Foundation
public import ShortlistCore
public import ShortlistPipeline

/// Number and text formatting shared by the table outputs.
public enum Format {
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "–" }
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        return String(format: abs(value) >= 100 ? "%.1f" : "%.4f", value)
    }

    /// The smallest round axis maximum at least `value`: four steps of 1, 2, 2.5 or 5 times a
    /// power of ten, so that the quarter ticks are round too (0.4 for 0.3, 8000 for 6611).
    public static func axisMaximum(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let raw = value / 4
        let power = pow(10, (log10(raw)).rounded(.down))
        let step =
            [1, 2, 2.5, 5].map { $0 * power }.first { $0 >= raw * (1 - 1e-12) } ?? 10 * power
        return 4 * step
    }

    /// An axis tick's label: as few digits as the round value needs (`0.025`, `2000`).
    public static func tick(_ value: Double) -> String { String(format: "%g", value) }

    /// A number for a sentence: whole, or with two decimals (`290`, `3.91`).
    public static func rounded(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        return String(format: "%.2f", value)
    }

    public static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    public static func truncated(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    /// `popular 0.9876 (score 4.35 · min-max 0.98 · weight 1)` in full, `popular 0.9876` in
    /// plain words; a stage's term for an item it did not nominate reads
    /// `content 0 (not nominated)`. `vocabulary` words the ranker's terms.
    public static func contribution(
        _ contribution: Contribution, in vocabulary: Vocabulary, nominated: Bool = true,
        detail: Detail = .full
    ) -> String {
        let name = Words.name(of: contribution, in: vocabulary, detail: detail)
        guard detail == .full, !contribution.factors.isEmpty else {
            return nominated
                ? "\(name) \(number(contribution.value))"
                : "\(name) 0 (not nominated)"
        }
        let factors = contribution.factors.map { "\($0.name) \(number($0.value))" }.joined(
            separator: " · ")
        return "\(name) \(number(contribution.value)) (\(factors))"
    }

    /// A ranked item's contributions joined with `+` and their total, the `keep` largest (by
    /// size) first and the rest summed as "other terms" when `keep` is given.
    public static func ranked(
        _ ranked: Ranked, entry: CandidatePool.Entry?, in pipeline: FittedPipeline,
        keep: Int? = nil, detail: Detail = .full
    ) -> String {
        var terms = ranked.contributions
        var rest: Double?
        if let keep, terms.count > keep + 1 {
            terms.sort { abs($0.value) > abs($1.value) }
            rest = terms.dropFirst(keep).reduce(0) { $0 + $1.value }
            terms = Array(terms.prefix(keep))
        }
        let sources = pipeline.stages.map(\.name)
        var parts = terms.map { term in
            var nominated = true
            if term.kind == .stage, case .stage(let name)? = term.subject,
                let source = sources.firstIndex(of: name)
            {
                nominated = entry?.nomination(by: source) != nil
            }
            return contribution(
                term, in: pipeline.rankerVocabulary, nominated: nominated, detail: detail)
        }
        if let rest { parts.append("other terms \(number(rest))") }
        return parts.joined(separator: " + ") + " = \(number(ranked.score))"
    }

    /// `text` with XML's special characters escaped, for SVG text and attributes.
    public static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(
            of: "<", with: "&lt;"
        )
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// An item's terms inside the ranker arm that placed it, with their sum.
    public static func terms(
        _ placement: Placement, entry: CandidatePool.Entry?, in pipeline: FittedPipeline,
        keep: Int? = nil, detail: Detail = .full
    ) -> String {
        let terms = placement.contributions
        return ranked(
            Ranked(item: 0, score: terms.reduce(0) { $0 + $1.value }, contributions: terms),
            entry: entry, in: pipeline, keep: keep, detail: detail)
    }
}

/// Every sentence the CLI says about users, stages and reasons, made from structured data.
public enum Words {
    /// `known user with 39 interactions`; with interactions the request reported, `unknown
    /// user with 3 interactions, all from the request and folded in`.
    public static func user(_ status: UserStatus, fresh: Int = 0) -> String {
        switch status {
        case .unknown where fresh > 0, .noHistory where fresh > 0:
            "\(status == .unknown ? "unknown" : "known") user with \(fresh) "
                + "interaction\(fresh == 1 ? "" : "s"), all from the request and folded in"
        case .unknown: "unknown user: no history"
        case .noHistory: "known user with no history"
        case .history(let interactions):
            "known user with \(interactions) interaction\(interactions == 1 ? "" : "s")"
                + (fresh > 0 ? ", \(fresh) of them from the request and folded in" : "")
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
    /// (rated lower), or `of Heat (1995) in your
    /// history` when the data has no ratings.
    public static func history(_ item: ItemIndex, query: Query, in pipeline: FittedPipeline)
        -> String
    {
        let title = pipeline.describe(item).title
        guard let rating = rating(of: item, query: query, in: pipeline) else {
            return "of \(title) in your history"
        }
        return rating >= likedRating ? "you liked \(title)" : "you rated \(title)"
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

/// A reason as JSON: its kind, value, subject and liked item by external id and title.
public struct ReasonOutput: Encodable {
    public var kind: String
    public var value: Double
    public var subject: String?
    public var historyItem: String?
    public var historyTitle: String?

    public init(_ reason: Reason, _ pipeline: FittedPipeline) {
        kind = reason.kind.rawValue
        value = reason.value
        subject = reason.subject?.description
        historyItem = reason.historyItem.map { pipeline.dataset.itemIDs[$0] }
        historyTitle = reason.historyItem.map { pipeline.describe($0).title }
    }
}

/// A ranker's term as JSON: its name as the model gives it (its kind's words with its
/// subject), its value, the numbers it was made from and the stage it comes from.
public struct ContributionOutput: Encodable {
    public var name: String
    public var value: Double
    public var factors: [Factor]
    public var source: String?

    public init(_ contribution: Contribution, _ pipeline: FittedPipeline) {
        name = Words.name(of: contribution, in: pipeline.rankerVocabulary, detail: .full)
        value = contribution.value
        factors = contribution.factors
        source = contribution.source
    }
}

/// The arm that placed a bandit's item as JSON, with its propensity and the item's terms
/// inside an arm that is a ranker of its own.
public struct PlacementOutput: Encodable {
    public var arm: String
    public var propensity: Double
    public var contributions: [ContributionOutput]

    public init(_ placement: Placement, _ pipeline: FittedPipeline) {
        arm = placement.arm
        propensity = placement.propensity
        contributions = placement.contributions.map { ContributionOutput($0, pipeline) }
    }
}

/// A stage's explanation as JSON: at most ten terms (the rest folded into one remainder), so
/// the terms still add up to `total`, then the details.
public struct ExplanationOutput: Encodable {
    public var total: Double
    public var terms: [ReasonOutput]
    public var details: [ReasonOutput]

    public init(_ explanation: Explanation, _ pipeline: FittedPipeline) {
        let shown = explanation.keepingTop(10)
        total = shown.total
        terms = shown.terms.map { ReasonOutput($0, pipeline) }
        details = shown.details.map { ReasonOutput($0, pipeline) }
    }
}

/// Why a stage nominated nothing, as JSON: a code and, where it has one, the threshold.
public struct UnavailableOutput: Encodable {
    public var code: String
    public var threshold: Double?

    public init(_ reason: Unavailability) {
        switch reason {
        case .unknownUser: code = "unknown-user"
        case .noHistory: code = "no-history"
        case .userNotFitted: code = "user-not-fitted"
        case .nothingLiked(let threshold):
            code = "nothing-liked"
            self.threshold = threshold
        case .noPositiveScore: code = "no-positive-score"
        case .allExcluded: code = "all-excluded"
        }
    }
}

/// The user of a request as JSON.
public struct UserOutput: Encodable {
    public var id: String
    public var known: Bool
    public var interactions: Int

    public init(id: String, _ status: UserStatus) {
        self.id = id
        switch status {
        case .unknown: (known, interactions) = (false, 0)
        case .noHistory: (known, interactions) = (true, 0)
        case .history(let count): (known, interactions) = (true, count)
        }
    }
}

/// One stage's view of an item as JSON.
public struct StageOutput: Encodable {
    public var stage: String
    public var type: String
    public var rank: Int?
    public var score: Double?
    public var nominated: Bool
    public var explanation: ExplanationOutput?
    public var unavailable: UnavailableOutput?

    /// A stage's view with its rank, score and account.
    public init(_ view: ItemExplanation.StageView, _ pipeline: FittedPipeline) {
        stage = view.name
        type = view.type
        rank = view.rank
        score = view.score
        nominated = view.isNominated
        explanation = view.explanation.isEmpty ? nil : ExplanationOutput(view.explanation, pipeline)
        unavailable = view.unavailable.map(UnavailableOutput.init)
    }

    /// A stage's nomination of an item, without its account.
    public init(stage: String, type: String, rank: Int?, score: Double?, nominated: Bool) {
        self.stage = stage
        self.type = type
        self.rank = rank
        self.score = score
        self.nominated = nominated
    }
}

/// Pretty, key-sorted JSON of any encodable value.
public func json(_ value: some Encodable, pretty: Bool = true) throws -> String {
    let encoder = JSONEncoder()
    // Total: no number can make the output fail (scores are finite; this is the last guard).
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
        positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    encoder.outputFormatting =
        pretty
        ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        : [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
