import ShortlistTestSupport
import Testing

@testable import ShortlistCore

/// The shared retrieval: blocked scoring gives the scores and top rows a row-by-row scan with
/// `Vector.dot` gives, to the bit.
@Suite struct RowBlocksTests {
    /// Row by row, the way the factor models scored before the blocked layout.
    func scanned(
        _ matrix: [Float], dimensions k: Int, _ query: [Float], limit: Int, offset: Float?,
        bias: [Float], excluded: ItemSet
    ) -> [Candidate] {
        var top = TopK(k: limit)
        query.withUnsafeBufferPointer { q in
            matrix.withUnsafeBufferPointer { m in
                for row in 0..<matrix.count / k where !excluded.contains(row) {
                    var score = Vector.dot(q.baseAddress!, m.baseAddress! + row * k, k)
                    if let offset { score += offset }
                    if !bias.isEmpty { score += bias[row] }
                    if Double(score) >= top.threshold { top.insert(row, score: Double(score)) }
                }
            }
        }
        return top.sorted()
    }

    /// Random floats of mixed magnitudes, so that any change in the order of the additions
    /// shows in the last bits.
    func values(_ count: Int, _ random: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in
            Float.random(in: -1...1, using: &random)
                * Float(Int.random(in: 1...1000, using: &random))
        }
    }

    @Test(arguments: [1, 3, 15, 16, 17, 33, 63, 64, 65, 100, 128, 129, 150, 200])
    func everyScoreIsTheDotProductsToTheBitAtEveryDimensionCount(dimensions k: Int) {
        var random = SeededGenerator(seed: UInt64(k))
        let rows = 37
        let matrix = values(rows * k, &random)
        let query = values(k, &random)
        let bias = values(rows, &random)
        let blocks = RowBlocks(matrix, dimensions: k, bias: bias)
        let all = blocks.top(query, offset: 0.25, limit: rows, excluded: ItemSet(capacity: rows))
        #expect(all.count == rows)
        for candidate in all {
            let row = candidate.item
            let dot = query.withUnsafeBufferPointer { q in
                matrix.withUnsafeBufferPointer { m in
                    Vector.dot(q.baseAddress!, m.baseAddress! + row * k, k)
                }
            }
            #expect(candidate.score.bitPattern == Double(dot + 0.25 + bias[row]).bitPattern)
        }
    }

    @Test(arguments: [0, 1, 15, 16, 17, 63, 64, 65, 200])
    func theTopRowsAreTheScansAtEveryCountAroundTheBlockSizes(rows: Int) {
        var random = SeededGenerator(seed: UInt64(rows) + 1)
        for k in [1, 3, 16, 37, 128] {
            let matrix = values(rows * k, &random)
            let bias = values(rows, &random)
            for limit in [1, 5, 300] {
                let query = values(k, &random)
                var excluded = ItemSet(capacity: rows)
                for row in stride(from: 0, to: rows, by: 3) { excluded.insert(row) }
                let none = ItemSet(capacity: rows)
                #expect(
                    RowBlocks(matrix, dimensions: k).top(query, limit: limit, excluded: none)
                        == scanned(
                            matrix, dimensions: k, query, limit: limit, offset: nil, bias: [],
                            excluded: none))
                #expect(
                    RowBlocks(matrix, dimensions: k, bias: bias).top(
                        query, offset: 2, limit: limit, excluded: excluded)
                        == scanned(
                            matrix, dimensions: k, query, limit: limit, offset: 2, bias: bias,
                            excluded: excluded), "rows \(rows), k \(k), limit \(limit)")
            }
        }
    }

    @Test func tiesGoToTheLowerRowAndRowsThatScoreNaNAreNeverReturned() {
        // Rows 0, 2 and 5 tie; row 3 scores NaN; the padding of the block scores 0.
        let matrix: [Float] = [1, 0, 1, .nan, 0, 1, -1]
        let blocks = RowBlocks(matrix, dimensions: 1)
        let top = blocks.top([2], limit: 7, excluded: ItemSet(capacity: 7))
        #expect(top.map(\.item) == [0, 2, 5, 1, 4, 6])
        #expect(blocks.top([2], limit: 2, excluded: ItemSet(capacity: 7)).map(\.item) == [0, 2])
        #expect(blocks.top([2], limit: 0, excluded: ItemSet(capacity: 7)).isEmpty)
    }

    @Test func theBatchFormGivesEachQueryItsOwnListAcrossGroups() {
        var random = SeededGenerator(seed: 9)
        let (rows, k) = (150, 40)
        let matrix = values(rows * k, &random)
        let bias = values(rows, &random)
        let blocks = RowBlocks(matrix, dimensions: k, bias: bias)
        // 70 queries: two full groups of 32 and a partial one.
        let queries = (0..<70).map { _ in values(k, &random) }
        let offsets = queries.map { _ in Float.random(in: -5...5, using: &random) }
        let excluded = (0..<70).map { query in
            var set = ItemSet(capacity: rows)
            for row in stride(from: query % 7, to: rows, by: 7) { set.insert(row) }
            return set
        }
        let batch = blocks.top(queries, offsets: offsets, limit: 20, excluded: excluded)
        #expect(batch.count == 70)
        for index in queries.indices {
            #expect(
                batch[index]
                    == blocks.top(
                        queries[index], offset: offsets[index], limit: 20,
                        excluded: excluded[index]))
            #expect(batch[index].allSatisfy { !excluded[index].contains($0.item) })
        }
        #expect(blocks.top([], limit: 5, excluded: []).isEmpty)
    }
}
