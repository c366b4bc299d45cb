/// Draws items as negatives for pairwise training.
public struct NegativeSampler: Sendable {
    /// The item distribution.
    public enum Distribution: String, Sendable, CaseIterable, ParameterChoice {
        /// Every item equally likely.
        case uniform
        /// Proportional to interactions^0.75 (Mikolov et al. 2013's smoothing).
        case popularity
    }

    private let cumulative: [Double]
    private let itemCount: Int

    /// A sampler over `itemCount` items; `counts` gives each item's interactions.
    public init(_ distribution: Distribution, counts: [Int]) {
        itemCount = counts.count
        switch distribution {
        case .uniform:
            cumulative = []
        case .popularity:
            var running = 0.0
            cumulative = counts.map { count in
                running += pow075(Double(count))
                return running
            }
        }
    }

    /// One item.
    ///
    /// - Complexity: O(1) uniform, O(log items) by popularity.
    public func sample(using random: inout SeededGenerator) -> ItemIndex {
        guard let total = cumulative.last, total > 0 else {
            return Int.random(in: 0..<itemCount, using: &random)
        }
        let target = Double.random(in: 0..<total, using: &random)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

/// x^0.75 as √x · ⁴√x.
private func pow075(_ x: Double) -> Double {
    let root = x.squareRoot()
    return root * root.squareRoot()
}
