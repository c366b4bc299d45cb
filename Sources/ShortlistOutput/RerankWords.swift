public import ShortlistCore
public import ShortlistPipeline

extension Words {
    /// What one re-rank step did to an item, in plain words: `cap genre: 3 → 6, held back: 2
    /// items of genre Comedy already in the 4 places above (at most 2 in any 5)`, `mmr: 4 → 2,
    /// relevance 0.8100, most like Toy Story (1995) above it (similarity 0.9300), λ 0.7`.
    public static func move(_ move: RerankMove, in pipeline: FittedPipeline) -> String {
        let head = "\(move.step): \(move.from) → \(move.to)"
        guard let reason = move.reason else {
            if move.to > move.from { return "\(head), overtaken by items the step placed above it" }
            return move.to < move.from ? "\(head), as items above it moved down" : head
        }
        return "\(head), \(Words.reason(reason, in: pipeline))"
    }

    /// Why a step put an item where it did, in plain words.
    public static func reason(_ reason: RerankReason, in pipeline: FittedPipeline) -> String {
        switch reason {
        case .marginalRelevance(let relevance, let nearest, let similarity, let lambda):
            let like =
                nearest.map {
                    ", most like \(pipeline.describe($0).title) above it (similarity "
                        + "\(Format.number(similarity)))"
                } ?? ", the first pick"
            return "relevance \(Format.number(relevance))\(like), λ \(Format.number(lambda))"
        case .capped(let field, let value, let max, let per):
            let items = "\(max) item\(max == 1 ? "" : "s") of \(field.rawValue) \(value)"
            return per == 0
                ? "held back: the list already had \(items) (at most \(max) per list)"
                : "held back: \(items) already in the \(per - 1) places above "
                    + "(at most \(max) in any \(per))"
        case .pinned(let place):
            return "pinned to place \(place)"
        case .boosted(let matches, let by):
            return "\(by >= 0 ? "boosted" : "lowered") by \(Format.number(abs(by))) for "
                + list(matches.map(describe))
        case .buried(let match):
            return "buried for \(describe(match))"
        case .explored(let stage, let propensity):
            return "an exploration place, drawn from \(stage)'s nominations with probability "
                + Format.number(propensity)
        }
    }
}

/// A rule's match in words: `genre Horror`, `item 50`.
private func describe(_ match: RuleMatch) -> String {
    "\(match.field?.rawValue ?? "item") \(match.value)"
}

/// What one re-rank step did to an item, as JSON.
public struct MoveOutput: Encodable {
    public var step: String
    public var from: Int
    public var to: Int
    /// For an exploration place: the probability this item was shown in it.
    public var propensity: Double?
    /// The step's account in plain words.
    public var text: String

    public init(_ move: RerankMove, _ pipeline: FittedPipeline) {
        step = move.step
        from = move.from
        to = move.to
        if case .explored(_, let propensity) = move.reason { self.propensity = propensity }
        text = Words.move(move, in: pipeline)
    }
}
