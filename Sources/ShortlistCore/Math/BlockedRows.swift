/// Rows of a matrix (item factors, item embeddings) laid out for scoring many at once: blocks of
/// 16 rows, each block stored dimension by dimension (the 16 rows' values of dimension 0, then of
/// dimension 1, …), the last block padded with zero rows. One SIMD16 multiply-add then scores a
/// dimension of 16 rows, with no horizontal sums.
///
/// The one brute-force top-K retrieval the factor and embedding models share.
public struct BlockedRows: Sendable {
    /// The number of rows.
    public let count: Int
    /// The values per row.
    public let dimensions: Int
    /// `blockCount × dimensions × 16` values.
    private let blocks: [Float]

    /// The rows of `matrix`, row-major with `dimensions` values per row.
    ///
    /// - Complexity: O(rows · dimensions).
    public init(_ matrix: [Float], dimensions: Int) {
        precondition(dimensions > 0 && matrix.count % dimensions == 0, "whole rows")
        let count = matrix.count / dimensions
        let stride = dimensions * 16
        var blocks = [Float](repeating: 0, count: (count + 15) / 16 * stride)
        for row in 0..<count {
            let start = row / 16 * stride + row % 16
            for d in 0..<dimensions { blocks[start + d * 16] = matrix[row * dimensions + d] }
        }
        self.count = count
        self.dimensions = dimensions
        self.blocks = blocks
    }

    /// The `limit` rows with the highest score `query · row + offset`, best first, ties to the
    /// lower row, none of `excluded`. Scores are computed in `Float`, as a per-row dot product
    /// would be, to rounding. (A per-row bias is one more dimension, whose query value is 1.)
    ///
    /// - Complexity: O(rows · dimensions) multiply-adds, 16 at a time, plus O(kept · log limit).
    public func top(_ query: [Float], limit: Int, offset: Float = 0, excluded: ItemSet)
        -> [Candidate]
    {
        precondition(query.count == dimensions, "a query of the rows' dimensions")
        guard limit > 0, count > 0 else { return [] }
        var top = TopK(k: limit)
        let k = dimensions
        let stride = k * 16
        let blockCount = (count + 15) / 16
        query.withUnsafeBufferPointer { q in
            blocks.withUnsafeBufferPointer { b in
                let base = b.baseAddress!
                // Offers one block's 16 scores: a block none of whose scores can enter is
                // dropped on one compare, and a score that cannot on another, before its row is
                // looked up in the exclusions.
                func offer(_ sums: SIMD16<Float>, block: Int) {
                    let scores = sums + SIMD16(repeating: offset)
                    guard Double(scores.max()) >= top.threshold else { return }
                    let first = block * 16
                    for lane in 0..<min(16, count - first) {
                        let score = Double(scores[lane])
                        if score >= top.threshold, !excluded.contains(first + lane) {
                            top.insert(first + lane, score: score)
                        }
                    }
                }
                // A block's values are contiguous (one stream for the prefetcher); four
                // accumulators over alternate dimensions keep the multiply-adds independent.
                for block in 0..<blockCount {
                    let p = base + block * stride
                    var s0 = SIMD16<Float>()
                    var s1 = SIMD16<Float>()
                    var s2 = SIMD16<Float>()
                    var s3 = SIMD16<Float>()
                    var d = 0
                    while d &+ 4 <= k {
                        let at = p + d &* 16
                        s0.addProduct(SIMD16(repeating: q[d]), Vector.load16(at))
                        s1.addProduct(SIMD16(repeating: q[d &+ 1]), Vector.load16(at + 16))
                        s2.addProduct(SIMD16(repeating: q[d &+ 2]), Vector.load16(at + 32))
                        s3.addProduct(SIMD16(repeating: q[d &+ 3]), Vector.load16(at + 48))
                        d &+= 4
                    }
                    while d < k {
                        s0.addProduct(SIMD16(repeating: q[d]), Vector.load16(p + d &* 16))
                        d &+= 1
                    }
                    offer((s0 + s1) + (s2 + s3), block: block)
                }
            }
        }
        return top.sorted()
    }
}
