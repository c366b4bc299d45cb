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

/// What a set of recommendation lists is like beyond hitting held-out items: how varied each
/// list is, how evenly the lists spread over the catalogue, how unexpected their items are, and
/// how closely each list's genres follow its user's history.
public enum BeyondAccuracy {
    /// The mean dissimilarity of the list's pairs of items, 1 − the Jaccard similarity of their
    /// genre sets (two items without genres are alike); nil for a list of fewer than two items.
    ///
    /// - Complexity: O(list² · genres per item).
    public static func intraListDiversity(_ list: [ItemIndex], genres: [[Int32]]) -> Double? {
        guard list.count >= 2 else { return nil }
        var total = 0.0
        for a in 0..<list.count {
            let first = Set(genres[list[a]])
            for b in a + 1..<list.count {
                let second = genres[list[b]]
                let union = first.union(second).count
                let shared = second.filter { first.contains($0) }.count
                total += union == 0 ? 0 : 1 - Double(shared) / Double(union)
            }
        }
        return total / Double(list.count * (list.count - 1) / 2)
    }

    /// Mean over a list's pairs of items of 1 − the cosine of their embeddings; nil for a list
    /// of fewer than two items.
    ///
    /// - Complexity: O(list² · dimensions).
    public static func intraListDiversity(_ list: [ItemIndex], embeddings: ItemEmbeddings)
        -> Double?
    {
        guard list.count >= 2 else { return nil }
        var total = 0.0
        for a in 0..<list.count {
            for b in a + 1..<list.count { total += 1 - embeddings.cosine(list[a], list[b]) }
        }
        return total / Double(list.count * (list.count - 1) / 2)
    }

    /// The Gini index of how often each catalogue item was recommended (`counts`, one per item,
    /// zeros included): 0 when every item was recommended as often, towards 1 when a few items
    /// take every slot; 0 when nothing was recommended.
    ///
    /// - Complexity: O(items · log items).
    public static func gini(_ counts: [Int]) -> Double {
        let sorted = counts.sorted()
        let total = Double(sorted.reduce(0, +))
        guard total > 0, sorted.count > 1 else { return 0 }
        let n = Double(sorted.count)
        var weighted = 0.0
        for (index, count) in sorted.enumerated() {
            weighted += (2 * Double(index + 1) - n - 1) * Double(count)
        }
        return weighted / (n * total)
    }

    /// An item's self-information in bits: −log₂ of the share of the `users` who interacted
    /// with it in the training data (`interactions`); an item nobody interacted with counts as
    /// one user's.
    public static func novelty(interactions: Int, users: Int) -> Double {
        -log2(Double(max(interactions, 1)) / Double(max(users, 1)))
    }

    /// How far the list's genre distribution is from the history's, as Steck (2018) measures
    /// calibration: the Kullback–Leibler divergence KL(p ‖ q̃) in nats, where p is the history's
    /// distribution (each item's genres sharing its weight of 1 equally), q the list's, and
    /// q̃ = (1 − 0.01)·q + 0.01·p so that a genre the list lacks costs a finite amount; nil when
    /// the history has no genres.
    ///
    /// - Complexity: O((history + list) · genres per item).
    public static func calibration(history: [ItemIndex], list: [ItemIndex], genres: [[Int32]])
        -> Double?
    {
        func distribution(_ items: [ItemIndex]) -> [Int32: Double] {
            var shares: [Int32: Double] = [:]
            var total = 0.0
            for item in items where !genres[item].isEmpty {
                let share = 1 / Double(genres[item].count)
                for genre in genres[item] { shares[genre, default: 0] += share }
                total += 1
            }
            return total > 0 ? shares.mapValues { $0 / total } : [:]
        }
        let p = distribution(history)
        guard !p.isEmpty else { return nil }
        let q = distribution(list)
        let alpha = 0.01
        return p.keys.sorted().reduce(0.0) { sum, genre in
            let target = p[genre]!
            let mixed = (1 - alpha) * (q[genre] ?? 0) + alpha * target
            return sum + target * log(target / mixed)
        }
    }
}
