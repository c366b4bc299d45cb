import Foundation

/// Top-K ranking quality of one user's list against the items that user found relevant.
public struct RankingScores: Sendable, Equatable {
    /// Relevant items in the top K, divided by K.
    public var precision: Double
    /// Relevant items in the top K, divided by the number of relevant items.
    public var recall: Double
    /// Discounted cumulative gain with binary gains, over the ideal DCG of min(K, relevant) hits.
    public var ndcg: Double
    /// Average precision at K: Σ precision@i over hit positions i ≤ K, divided by min(K, relevant).
    public var averagePrecision: Double
    /// 1 when any relevant item is in the top K, else 0.
    public var hit: Double

    /// Scores of `recommended` (best first; only the first `k` count) against `relevant`.
    ///
    /// All zeros when nothing is relevant; callers skip such users.
    public init(recommended: [ItemIndex], relevant: Set<ItemIndex>, k: Int) {
        var hits = 0
        var dcg = 0.0
        var precisionSum = 0.0
        for (position, item) in recommended.prefix(k).enumerated() where relevant.contains(item) {
            hits += 1
            dcg += 1 / log2(Double(position + 2))
            precisionSum += Double(hits) / Double(position + 1)
        }
        let ideal = min(k, relevant.count)
        let idcg = (0..<ideal).reduce(0.0) { $0 + 1 / log2(Double($1 + 2)) }
        precision = k > 0 ? Double(hits) / Double(k) : 0
        recall = relevant.isEmpty ? 0 : Double(hits) / Double(relevant.count)
        ndcg = idcg > 0 ? dcg / idcg : 0
        averagePrecision = ideal > 0 ? precisionSum / Double(ideal) : 0
        hit = hits > 0 ? 1 : 0
    }
}
