import ShortlistCore
public import ShortlistPipeline

extension Words {
    /// What pushed an item below the cut-off, for `explain`: how far its score is below the
    /// last item shown, and the ranker's terms where it loses most against that item, largest
    /// loss first, in plain words. Nil unless the item reached the ranker and was cut.
    ///
    /// `why not: it scores 0.4490 less than #10 Fargo (1996), the last item shown; it loses
    /// most on deep: time (-1.0715 against -0.3200) and …`. A bandit's score is a place in
    /// its blend, so for a bandit it says which arm placed the item where.
    public static func whyNot(_ explanation: ItemExplanation, in pipeline: FittedPipeline)
        -> String?
    {
        guard case .belowCutoff(let rank, _) = explanation.outcome,
            let ranked = explanation.ranked
        else { return nil }
        let trace = explanation.trace
        let shown = min(trace.resultCount, trace.final.count)
        guard shown > 0 else { return nil }
        let last = trace.final[shown - 1]
        let lastTitle = "#\(shown) \(pipeline.describe(last.item).title)"
        if pipeline.bandit != nil {
            let arm = ranked.placement.map { "arm \($0.arm) placed it at \(rank)" }
            return "\(arm ?? "no arm placed it; it follows every placed item, at \(rank)"), "
                + "after \(lastTitle), the last item shown"
        }
        let gap = last.score - ranked.score
        var text = "it scores \(Format.number(gap)) less than \(lastTitle), the last item shown"
        let losses = losses(of: ranked.contributions, against: last.contributions)
        guard !losses.isEmpty else { return text }
        let vocabulary = pipeline.rankerVocabulary
        text +=
            "; it loses most on "
            + list(
                losses.prefix(3).map { term, mine, theirs in
                    "\(Words.name(of: term, in: vocabulary, detail: .plain)) "
                        + "(\(Format.number(mine)) against \(Format.number(theirs)))"
                })
        return text
    }

    /// The terms of `mine` that are lower than the same terms of `theirs` (a term one side
    /// lacks counts as 0 there), the largest loss first.
    private static func losses(of mine: [Contribution], against theirs: [Contribution])
        -> [(term: Contribution, mine: Double, theirs: Double)]
    {
        // A term is its kind, its subject and its stage (a stage's share has only the stage).
        func key(_ term: Contribution) -> String {
            "\(term.kind.rawValue)|\(term.subject?.description ?? "")|\(term.source ?? "")"
        }
        var values: [String: (term: Contribution, mine: Double, theirs: Double)] = [:]
        var order: [String] = []
        for term in mine {
            let k = key(term)
            if values[k] == nil { order.append(k) }
            values[k, default: (term, 0, 0)].mine += term.value
        }
        for term in theirs {
            let k = key(term)
            if values[k] == nil { order.append(k) }
            values[k, default: (term, 0, 0)].theirs += term.value
        }
        return order.compactMap { values[$0] }.filter { $0.mine < $0.theirs }.sorted {
            $0.mine - $0.theirs < $1.mine - $1.theirs
        }
    }
}
