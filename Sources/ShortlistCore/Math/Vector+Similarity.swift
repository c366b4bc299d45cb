extension Vector {
    /// The cosine of the angle between a and b; 0 when either is all zeros.
    ///
    /// - Complexity: O(count).
    @inlinable
    public static func cosine(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int)
        -> Float
    {
        let norms = (dot(a, a, count) * dot(b, b, count)).squareRoot()
        return norms > 0 ? dot(a, b, count) / norms : 0
    }

    /// The rows of `matrix` (rows × `dimensions`) with the highest cosine to row `item`, without it.
    ///
    /// - Complexity: O(rows · dimensions + rows · log limit).
    public static func nearestRows(to item: Int, in matrix: [Float], dimensions d: Int, limit: Int)
        -> [Candidate]
    {
        let rows = matrix.count / max(d, 1)
        guard item >= 0, item < rows, limit > 0 else { return [] }
        var top = TopK(k: limit)
        matrix.withUnsafeBufferPointer { m in
            let base = m.baseAddress!
            let target = base + item * d
            guard dot(target, target, d) > 0 else { return }
            for other in 0..<rows where other != item {
                let similarity = cosine(target, base + other * d, d)
                if similarity != 0 { top.insert(other, score: Double(similarity)) }
            }
        }
        return top.sorted()
    }
}
