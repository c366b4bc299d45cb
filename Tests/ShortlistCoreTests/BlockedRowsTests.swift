import ShortlistTestSupport
import Testing

@testable import ShortlistCore

/// The shared retrieval: blocked scoring gives the top rows a row-by-row scan gives.
@Suite struct BlockedRowsTests {
    /// Row by row, the way the factor models scored before: each row's dot product in turn.
    func scanned(
        _ matrix: [Float], dimensions k: Int, _ query: [Float], limit: Int, offset: Float,
        excluded: ItemSet
    ) -> [Candidate] {
        var top = TopK(k: limit)
        for row in 0..<matrix.count / k where !excluded.contains(row) {
            var score: Float = 0
            for d in 0..<k { score += query[d] * matrix[row * k + d] }
            score += offset
            top.insert(row, score: Double(score))
        }
        return top.sorted()
    }

    @Test(arguments: [0, 1, 15, 16, 17, 63, 64, 65, 200])
    func theTopRowsAreTheScansAtEveryCountAroundTheBlockSizes(rows: Int) {
        var random = SeededGenerator(seed: UInt64(rows) + 1)
        // Small whole numbers: every sum is exact in Float, in any order, so the two agree to
        // the bit and ties (many here) are broken the same way.
        func value() -> Float { Float(Int.random(in: -3...3, using: &random)) }
        for k in [1, 3, 16, 37] {
            let matrix = (0..<rows * k).map { _ in value() }
            let blocked = BlockedRows(matrix, dimensions: k)
            #expect(blocked.count == rows)
            for limit in [1, 5, 300] {
                let query = (0..<k).map { _ in value() }
                var excluded = ItemSet(capacity: rows)
                for row in stride(from: 0, to: rows, by: 3) { excluded.insert(row) }
                #expect(
                    blocked.top(query, limit: limit, excluded: ItemSet(capacity: rows))
                        == scanned(
                            matrix, dimensions: k, query, limit: limit, offset: 0,
                            excluded: ItemSet(capacity: rows)))
                #expect(
                    blocked.top(query, limit: limit, offset: 2, excluded: excluded)
                        == scanned(
                            matrix, dimensions: k, query, limit: limit, offset: 2,
                            excluded: excluded), "rows \(rows), k \(k), limit \(limit)")
            }
        }
        #expect(
            BlockedRows([1, 2], dimensions: 2).top(
                [1, 1], limit: 0, excluded: ItemSet(capacity: 1)
            )
            .isEmpty)
    }
}
