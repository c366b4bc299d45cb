/// A model that can also answer "items like this one", independent of any user.
public protocol SimilarItems {
    /// The items most similar to `item`, best first, without `item` itself.
    func similarItems(to item: ItemIndex, limit: Int) -> [Candidate]
}

extension Vector {
    /// The rows of `matrix` (rows × `dimensions`) with the highest cosine to row `item`, without it.
    ///
    /// - Complexity: O(rows · dimensions + rows · log limit).
    public static func nearestRows(to item: Int, in matrix: [Float], dimensions d: Int, limit: Int) -> [Candidate] {
        let rows = matrix.count / max(d, 1)
        guard item >= 0, item < rows, limit > 0 else { return [] }
        var top = TopK(k: limit)
        matrix.withUnsafeBufferPointer { m in
            let base = m.baseAddress!, target = base + item * d
            let norm = dot(target, target, d).squareRoot()
            guard norm > 0 else { return }
            for other in 0 ..< rows where other != item {
                let row = base + other * d
                let otherNorm = dot(row, row, d).squareRoot()
                guard otherNorm > 0 else { continue }
                top.insert(other, score: Double(dot(target, row, d) / (norm * otherNorm)))
            }
        }
        return top.sorted()
    }
}
