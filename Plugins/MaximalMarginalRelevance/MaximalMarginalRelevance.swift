public import ShortlistCore

/// Re-orders the ranker's best items by maximal marginal relevance (Carbonell & Goldstein
/// 1998): each place of the response goes to the item maximising
/// λ · relevance − (1 − λ) · (its largest similarity to an item placed above it).
///
/// Relevance is the ranker's score scaled to [0, 1] over the items the step is given.
/// Similarity is the Jaccard index of two items' genres or decades, or the cosine of a
/// candidate stage's item embeddings. Only the first `n` places are picked this way; the
/// items left follow in the order they came.
public struct MaximalMarginalRelevance: RerankStep {
    /// The parameters under an `mmr` step.
    public struct Params: PluginParameters {
        public var lambda = 0.7
        public var similarity = "genre"

        public init() {}

        public static var declarations: [ParameterDeclaration<Self>] {
            [
                .init(
                    "lambda", \.lambda, .between(0, 1),
                    "1 keeps the ranker's order; 0 picks whatever is least like the items above"),
                .init(
                    "similarity", \.similarity,
                    "'genre' or 'decade' (Jaccard of the items' values), or a candidate stage "
                        + "whose model has item embeddings (cosine)"),
            ]
        }
    }

    /// What two items are compared by.
    enum Similarity: Sendable {
        case field(ItemField)
        case embeddings(stage: String)
    }

    public static let type = "mmr"
    public static let summary =
        "Maximal marginal relevance: trades the ranker's relevance for variety, λ in [0, 1]."

    let lambda: Double
    let similarity: Similarity

    public static func make(_ params: Params, context: BuildContext) throws
        -> MaximalMarginalRelevance
    {
        if let field = ItemField(rawValue: params.similarity) {
            return MaximalMarginalRelevance(lambda: params.lambda, similarity: .field(field))
        }
        guard context.sourceNames.contains(params.similarity) else {
            let known = ItemField.allCases.map(\.rawValue) + context.sourceNames
            throw ParameterError(
                keyPath: ["similarity"],
                message: suggesting(
                    "'similarity' is '\(params.similarity)', which is neither an item field nor a "
                        + "candidate stage of pipeline '\(context.stageName)'",
                    for: params.similarity, in: known,
                    otherwise: "; use \(known.map { "'\($0)'" }.joined(separator: ", "))"))
        }
        return MaximalMarginalRelevance(
            lambda: params.lambda, similarity: .embeddings(stage: params.similarity))
    }

    public var requiredFields: [FieldRequirement] {
        guard case .field(let field) = similarity else { return [] }
        return [FieldRequirement(field.dataField, keyPath: ["similarity"])]
    }

    public var embeddingStage: String? {
        guard case .embeddings(let stage) = similarity else { return nil }
        return stage
    }

    /// - Complexity: O(n · items) similarities.
    public func rerank(_ items: [Ranked], context: RerankContext) -> [RerankPick] {
        let lambda = context.lambda ?? self.lambda
        let scores = items.map(\.score)
        let low = scores.min() ?? 0
        let range = (scores.max() ?? 0) - low
        let relevance = scores.map { range > 0 ? ($0 - low) / range : 1 }
        let compare = comparison(items, context: context)
        let picks = Diversify.mmr(
            relevance: relevance, lambda: lambda, count: context.count, similarity: compare)
        var picked = [Bool](repeating: false, count: items.count)
        var order = picks.map { pick in
            picked[pick.position] = true
            return RerankPick(
                position: pick.position,
                reason: .marginalRelevance(
                    relevance: pick.relevance,
                    nearest: pick.nearest.map { items[$0.position].item },
                    similarity: pick.nearest?.similarity ?? 0, lambda: lambda))
        }
        order += items.indices.filter { !picked[$0] }.map { RerankPick(position: $0) }
        return order
    }

    /// The similarity of two of the items, by position.
    private func comparison(_ items: [Ranked], context: RerankContext) -> (Int, Int) -> Double {
        switch similarity {
        case .field(let field):
            let values = items.map { field.values(of: $0.item, in: context.fields) }
            return { jaccard(values[$0], values[$1]) }
        case .embeddings:
            guard let embeddings = context.embeddings else { return { _, _ in 0 } }
            return { embeddings.cosine(items[$0].item, items[$1].item) }
        }
    }
}

/// |a ∩ b| / |a ∪ b| of two ascending lists without repeats; 1 when both are empty (two items
/// without values are alike, as `evaluate`'s intra-list diversity counts them).
func jaccard(_ a: [Int32], _ b: [Int32]) -> Double {
    var (i, j, shared) = (0, 0, 0)
    while i < a.count, j < b.count {
        if a[i] == b[j] {
            shared += 1
            i += 1
            j += 1
        } else if a[i] < b[j] {
            i += 1
        } else {
            j += 1
        }
    }
    let union = a.count + b.count - shared
    return union == 0 ? 1 : Double(shared) / Double(union)
}
