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

/// NDCG@K and recall@K of one list for every K from 1 to a depth, as ``RankingScores`` defines
/// them.
public struct RankingCurve: Sendable, Equatable, Encodable {
    /// NDCG at K = index + 1.
    public var ndcg: [Double]
    /// Recall at K = index + 1.
    public var recall: [Double]

    /// The curves of `recommended` (best first) against `relevant`, for K = 1 … `depth`; a list
    /// shorter than K scores as if its missing places held nothing relevant.
    ///
    /// - Complexity: O(depth).
    public init(recommended: [ItemIndex], relevant: Set<ItemIndex>, depth: Int) {
        ndcg = []
        recall = []
        ndcg.reserveCapacity(depth)
        recall.reserveCapacity(depth)
        var hits = 0
        var dcg = 0.0
        var idcg = 0.0
        for position in 0..<depth {
            let discount = 1 / log2(Double(position + 2))
            if position < recommended.count, relevant.contains(recommended[position]) {
                hits += 1
                dcg += discount
            }
            if position < relevant.count { idcg += discount }
            ndcg.append(idcg > 0 ? dcg / idcg : 0)
            recall.append(relevant.isEmpty ? 0 : Double(hits) / Double(relevant.count))
        }
    }

    /// Curves of zeros, to sum others into.
    public init(depth: Int) {
        ndcg = Array(repeating: 0, count: depth)
        recall = Array(repeating: 0, count: depth)
    }

    /// Adds `other` point by point.
    public mutating func add(_ other: RankingCurve) {
        for index in ndcg.indices {
            ndcg[index] += other.ndcg[index]
            recall[index] += other.recall[index]
        }
    }

    /// Every point divided by `count`.
    public func averaged(over count: Double) -> RankingCurve {
        var curve = self
        curve.ndcg = ndcg.map { $0 / count }
        curve.recall = recall.map { $0 / count }
        return curve
    }
}
