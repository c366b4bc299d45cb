/// Orders that trade a ranker's relevance for variety: the algorithms behind re-rank steps,
/// over positions 0 ..< n of a window of ranked items (best first).
public enum Diversify {
    /// One pick of maximal marginal relevance: the position, its relevance, and the picked
    /// position it is most similar to (nil for the first pick) with that similarity.
    public struct Pick: Sendable, Equatable {
        public var position: Int
        public var relevance: Double
        public var nearest: (position: Int, similarity: Double)?

        public static func == (a: Pick, b: Pick) -> Bool {
            a.position == b.position && a.relevance == b.relevance
                && a.nearest?.position == b.nearest?.position
                && a.nearest?.similarity == b.nearest?.similarity
        }
    }

    /// Maximal marginal relevance (Carbonell & Goldstein 1998): picks `count` of the window's
    /// positions one at a time, each the one maximising λ·relevance − (1 − λ)·(its largest
    /// similarity to a position already picked); ties go to the earlier position. λ = 1 keeps
    /// the window's order; λ = 0 picks, after the first, whatever is least like the picks.
    ///
    /// - Parameters:
    ///   - relevance: one value per position, normalised by the caller (for example to [0, 1]).
    ///   - similarity: of two positions, symmetric.
    /// - Complexity: O(count · window) similarity calls.
    public static func mmr(
        relevance: [Double], lambda: Double, count: Int, similarity: (Int, Int) -> Double
    ) -> [Pick] {
        let window = relevance.count
        var picked: [Pick] = []
        var taken = [Bool](repeating: false, count: window)
        // Each open position's largest similarity to the picks so far, and to which.
        var nearest = [(position: Int, similarity: Double)?](repeating: nil, count: window)
        for _ in 0..<min(count, window) {
            var best: Int?
            var bestValue = -Double.infinity
            for position in 0..<window where !taken[position] {
                let penalty = nearest[position]?.similarity ?? 0
                let value = lambda * relevance[position] - (1 - lambda) * penalty
                if best == nil || value > bestValue {
                    (best, bestValue) = (position, value)
                }
            }
            guard let choice = best else { break }
            taken[choice] = true
            picked.append(
                Pick(position: choice, relevance: relevance[choice], nearest: nearest[choice]))
            for position in 0..<window where !taken[position] {
                let value = similarity(position, choice)
                if nearest[position] == nil || value > nearest[position]!.similarity {
                    nearest[position] = (choice, value)
                }
            }
        }
        return picked
    }

    /// The window's positions in order, each kept where it is unless it would be the
    /// `max + 1`-th item sharing one of its values within `per` consecutive slots (or beyond
    /// `perList` items sharing it in the whole list, when given); such a position waits and
    /// goes to the first later slot where it fits. Up to `count` positions are placed;
    /// positions that never fit are left out (a window with too few distinct values gives
    /// fewer). Every position that had to wait is in `held`, with the value that held it
    /// first and whether the list's quota (rather than the slot window) did.
    ///
    /// - Parameters:
    ///   - values: each position's values of the capped field (an item's genres, its decade).
    /// - Complexity: O(count · window · values · per).
    public static func cap(
        values: [[Int32]], max: Int, per: Int, perList: Int? = nil, count: Int
    ) -> (order: [Int], held: [Int: (value: Int32, byList: Bool)]) {
        precondition(max >= 1 && per >= 1, "a cap keeps at least one item per slot window")
        var order: [Int] = []
        var waiting = Array(values.indices)
        var totals: [Int32: Int] = [:]
        var held: [Int: (value: Int32, byList: Bool)] = [:]
        func blocking(_ position: Int) -> (value: Int32, byList: Bool)? {
            let recent = order.suffix(per - 1)
            for value in values[position] {
                if let perList, totals[value, default: 0] >= perList { return (value, true) }
                if recent.filter({ values[$0].contains(value) }).count >= max {
                    return (value, false)
                }
            }
            return nil
        }
        while order.count < count {
            var next: Int?
            for (index, position) in waiting.enumerated() {
                guard let block = blocking(position) else {
                    next = index
                    break
                }
                if held[position] == nil { held[position] = block }
            }
            guard let next else { break }
            let position = waiting.remove(at: next)
            order.append(position)
            for value in values[position] { totals[value, default: 0] += 1 }
        }
        return (order, held)
    }
}
