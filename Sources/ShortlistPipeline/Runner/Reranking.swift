public import ShortlistCore

/// A pipeline's `rerank:` steps, ready for requests: each step with what it reads.
public struct Reranking: Sendable {
    /// How many of the ranker's best items the steps see; 5 × n when nil (and never fewer
    /// than n).
    public var window: Int?
    /// The steps in order.
    public var steps: [AnyRerankStep]
    /// For each step, the position among the pipeline's stages of the stage whose item
    /// embeddings it reads, if it reads any.
    public var embeddingStages: [Int?]
    /// The steps.
    public init(window: Int?, steps: [AnyRerankStep], embeddingStages: [Int?]) {
        precondition(embeddingStages.count == steps.count, "one embedding stage per step")
        self.window = window
        self.steps = steps
        self.embeddingStages = embeddingStages
    }

    /// The window for a response of `n` items.
    public func window(for n: Int) -> Int { max(window ?? 5 * n, n) }
}

extension FittedPipeline {
    /// The ranker's first ``Reranking/window(for:)`` items reordered by every step in turn,
    /// each item that a step moved (or gave a reason for its place) carrying a ``RerankMove``,
    /// and how many items lead it that no step left out: the response's candidates. Items a step
    /// leaves out follow those (later steps do not see them). The items below the window are
    /// not copied: they follow as the ranker ordered them.
    ///
    /// - Complexity: the steps' costs over the window.
    func reranked(
        _ ranked: [Ranked], reranking: Reranking, n: Int, query: Query, pool: CandidatePool,
        request: Request
    ) -> (window: [Ranked], kept: Int) {
        let window = min(reranking.window(for: n), ranked.count)
        var items = Array(ranked.prefix(window))
        var leftOut: [Ranked] = []
        for (index, step) in reranking.steps.enumerated() {
            let context = RerankContext(
                query: query, count: n, lambda: request.lambda, fields: itemFields,
                embeddings: reranking.embeddingStages[index].flatMap {
                    stages[$0].model.itemEmbeddings
                }, itemIDs: dataset.itemIDs, pool: pool,
                requestKey: request.requestID ?? request.userID)
            let picks = step.rerank(items, context: context)
            var seen = [Bool](repeating: false, count: items.count)
            for pick in picks where items.indices.contains(pick.position) {
                seen[pick.position] = true
            }
            precondition(
                picks.count == items.count && !seen.contains(false),
                "re-rank step '\(step.type)' must return every position it is given once")
            var kept: [Ranked] = []
            var dropped: [Ranked] = []
            let keptCount = picks.count { !$0.isLeftOut }
            for pick in picks {
                var item = items[pick.position]
                let place = pick.isLeftOut ? keptCount + dropped.count : kept.count
                if pick.position != place || pick.reason != nil {
                    item.moves.append(
                        RerankMove(
                            step: step.type, from: pick.position + 1, to: place + 1,
                            reason: pick.reason))
                }
                if pick.isLeftOut { dropped.append(item) } else { kept.append(item) }
            }
            items = kept
            leftOut = dropped + leftOut
        }
        return (items + leftOut, items.count)
    }
}
