public import ShortlistCore
public import ShortlistPipeline

/// How an explanation reads: plain words for anyone, or every number under its model's name.
public enum Detail {
    /// Words a non-expert reads; the numbers that add up stay, the formulas' inputs become words.
    case plain
    /// Every term and factor under the name its model gives it (`--detail`).
    case full
}

/// The sentences that say in plain words why an item is recommended, made from the same
/// reasons and contributions the tables print.
extension Words {
    /// `Mostly because you liked Groundhog Day (1993) and Stand by Me (1986); also …`, each
    /// nominating stage's phrase (``because(_:query:in:)``).
    ///
    /// The stages that nominated the item are ordered by their share of the ranker's score
    /// (the contributions each stage is the source of); the arm that placed a bandit's item
    /// comes first; stages the ranker gives no share follow in the order of how high they
    /// ranked the item. A stage whose share is negative lowered the score and is left out,
    /// unless every nominating stage's is.
    public static func summary(
        _ ranked: Ranked, views: [ItemExplanation.StageView], query: Query,
        in pipeline: FittedPipeline
    ) -> String {
        let contributions = ranked.contributions + (ranked.placement?.contributions ?? [])
        let shares = Dictionary(
            grouping: contributions.compactMap { term in term.source.map { ($0, term.value) } },
            by: \.0
        ).mapValues { $0.reduce(0) { $0 + $1.1 } }
        let arm = ranked.placement?.arm
        let nominating = views.filter(\.isNominated)
        let helping = nominating.filter { (shares[$0.name] ?? 0) >= 0 }
        let nominated = helping.isEmpty ? nominating : helping
        let order = nominated.sorted { a, b in
            if (a.name == arm) != (b.name == arm) { return a.name == arm }
            let (x, y) = (shares[a.name] ?? 0, shares[b.name] ?? 0)
            if x != y { return x > y }
            return Double(a.rank ?? .max) / Double(a.limit) < Double(b.rank ?? .max)
                / Double(b.limit)
        }
        let phrases = order.map { because($0, query: query, in: pipeline) }
        guard let first = phrases.first else { return "No candidate stage nominated it." }
        let positive = order.map { max(shares[$0.name] ?? 0, 0) }
        let mostly = positive[0] > 0 && positive[0] >= positive.dropFirst().reduce(0, +)
        var sentence = (mostly ? "Mostly because " : "Because ") + first
        if phrases.count > 1 { sentence += "; also " + phrases.dropFirst().joined(separator: "; ") }
        if let placement = ranked.placement {
            sentence += " (placed by arm \(placement.arm))"
        }
        return sentence + "."
    }

    /// What one stage's reasons say in a few words: what its statistics say (in its plugin's
    /// words), the liked items behind it, the tokens it shares.
    public static func because(
        _ view: ItemExplanation.StageView, query: Query, in pipeline: FittedPipeline
    ) -> String {
        let explanation = view.explanation
        if let summary = pipeline.vocabulary(ofStage: view.name).summary?(
            statistics(of: explanation))
        {
            return "\(summary.reason): \(summary.figures)"
        }
        let positive = explanation.terms.filter { $0.value > 0 }.largestFirst()
        let liked = positive.filter { $0.kind == .historyItem }.compactMap(\.historyItem)
        if !liked.isEmpty { return history(Array(liked.prefix(2)), query: query, in: pipeline) }
        let shared = positive.filter { $0.kind == .sharedTerm }.prefix(2)
        if let term = shared.first {
            let sources = Set(shared.map(\.historyItem))
            if sources.count == 1, let item = term.historyItem {
                return "it shares " + list(shared.map { plainSubject($0.subject) }) + " with "
                    + pipeline.describe(item).title
            }
            return "it shares "
                + list(
                    shared.map {
                        plainSubject($0.subject)
                            + ($0.historyItem.map { " with " + pipeline.describe($0).title } ?? "")
                    })
        }
        if let close = explanation.details.first(where: { $0.kind == .similarLikedItem }),
            let item = close.historyItem
        {
            return "it is close to \(pipeline.describe(item).title), which you liked"
        }
        return "\(view.name) ranks it \(view.rank.map { "#\($0)" } ?? "high")"
    }

    /// `you liked A and B`, `you liked A and rated B`, `of A in your history`; what the user
    /// did just now (the request's fresh interactions, their stored events) first:
    /// `you just liked A`, `you just liked A and liked B`.
    private static func history(_ items: [ItemIndex], query: Query, in pipeline: FittedPipeline)
        -> String
    {
        let fresh = items.filter { query.isFresh($0) }
        guard fresh.isEmpty || fresh.count == items.count else {
            return history(fresh, query: query, in: pipeline) + " and "
                + history(items.filter { !query.isFresh($0) }, query: query, in: pipeline)
                .replacing("you ", with: "", maxReplacements: 1)
        }
        let just = !fresh.isEmpty
        var liked: [String] = []
        var rated: [String] = []
        var other: [String] = []
        for item in items {
            let title = pipeline.describe(item).title
            switch rating(of: item, query: query, in: pipeline) {
            case .some(let rating) where rating >= likedRating: liked.append(title)
            case .some: rated.append(title)
            case .none: other.append(title)
            }
        }
        var parts: [String] = []
        if !liked.isEmpty { parts.append("liked " + list(liked)) }
        if !rated.isEmpty { parts.append("rated " + list(rated)) }
        var text =
            parts.isEmpty ? "" : "you " + (just ? "just " : "") + parts.joined(separator: " and ")
        if !other.isEmpty {
            text +=
                (text.isEmpty ? "" : " and ") + "of " + list(other)
                + (just ? ", just now in your history" : " in your history")
        }
        return text
    }

    /// `A`, `A and B`, `A, B and C`.
    public static func list(_ words: [String]) -> String {
        guard words.count > 1, let last = words.last else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " and " + last
    }

    /// An explanation's statistics (its terms' and details') by name.
    public static func statistics(of explanation: Explanation) -> [String: Double] {
        Dictionary(
            (explanation.terms + explanation.details).filter { $0.kind == .statistic }.compactMap {
                reason in
                guard case .named(let name) = reason.subject else { return nil }
                return (name, reason.value)
            }, uniquingKeysWith: { first, _ in first })
    }

    /// A shared token in plain words: `comedy` for a genre, `the 1990s` for a decade, `the
    /// year 1995`, `'heat' in the title` for a title word.
    public static func token(_ token: ContentToken) -> String {
        switch token {
        case .genre(let genre): genre
        case .decade(let decade): "the " + decade
        case .year(let year): "the year " + year
        case .titleWord(let word): "'\(word.replacingOccurrences(of: "_", with: " "))' in the title"
        }
    }

    /// A reason's subject in plain words, for the sentences.
    static func plainSubject(_ subject: Subject?) -> String {
        guard let subject else { return "" }
        if case .token(let token) = subject { return Words.token(token) }
        return subject.description
    }

    /// The rating `user` gave `item`, or nil when the data has none or the user did not rate it.
    public static func rating(of item: ItemIndex, query: Query, in pipeline: FittedPipeline)
        -> Float?
    {
        guard pipeline.dataset.hasRatings,
            let position = query.historyItems.lastIndex(of: Int32(item))
        else { return nil }
        let offset = position - query.historyItems.startIndex
        return query.historyRatings[query.historyRatings.startIndex + offset]
    }

    /// One stage's view of an item in the words `explain` and `recommend --explain` share:
    /// `nominated at rank 3, score 0.4104`, `ranked 236, beyond its limit: not nominated`.
    public static func stageStatus(_ view: ItemExplanation.StageView, filtered: Bool) -> String {
        if filtered { return "never offered it: the filters exclude it before any stage runs" }
        if let reason = view.unavailable { return "nominated nothing — \(unavailable(reason))" }
        guard let rank = view.rank else { return "does not score this item for this user" }
        var text =
            view.isNominated
            ? "nominated at rank \(rank)" : "ranked \(rank), beyond its limit: not nominated"
        if let score = view.score { text += ", score \(Format.number(score))" }
        return text
    }
}
