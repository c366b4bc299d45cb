/// The rows of a matrix (items' factors or embeddings) laid out for finding the rows with the
/// highest dot product with a query: blocks of 16 rows stored dimension by dimension, so that
/// one SIMD16 multiply-add covers one dimension of 16 rows, and a block none of whose scores
/// can enter the top K is dropped on one compare. The dimensions are stored in the order the
/// sums below consume them, so a block is read front to back, as the memory prefetcher expects.
/// One query at a time reads every row once; the batch form scores a group of queries against
/// a few blocks while they are in the L1 cache, so the matrix is read once per group instead
/// of once per query.
///
/// Every score is the one `Vector.dot(query, row, dimensions)` gives, to the bit: each row's
/// products are summed in that function's order (four accumulators over the dimensions, their
/// tree sum, then the dimensions after the last 16), with a SIMD16's lanes holding 16 rows
/// instead of 16 dimensions. A score computed for one item elsewhere (an explanation, a
/// rating) therefore equals the score its retrieval ranked it by.
public struct RowBlocks: Sendable {
    /// The number of rows.
    public let rows: Int
    /// The length of a row.
    public let dimensions: Int
    /// Block after block, each `dimensions` × 16 floats, dimension `order[p]` of the block's
    /// rows at position `p`; a last partial block is padded with zero rows, never returned.
    private let values: [Float]
    /// The dimensions in the order ``dot(_:_:_:lanes:)`` consumes them.
    private let order: [Int]
    /// One number per row added to its score after the offset (for example an item bias), or
    /// empty; padded like the rows.
    private let bias: [Float]

    /// Scratch space for one block's partial sums, one per lane of `Vector.dot`'s accumulators.
    private typealias Lanes = InlineArray<16, SIMD16<Float>>

    /// The groups of queries the batch form scores together.
    private static let group = 32

    /// The rows of `matrix` (row-major, `rows × dimensions`), each with `bias[row]` added to
    /// its score when `bias` is not empty (one per row).
    public init(_ matrix: [Float], dimensions: Int, bias: [Float] = []) {
        let d = max(dimensions, 1)
        let rows = matrix.count / d
        precondition(bias.isEmpty || bias.count == rows, "one bias per row")
        let blocks = (rows + 15) / 16
        let order = Self.order(d)
        var values = [Float](repeating: 0, count: blocks * d * 16)
        for row in 0..<rows {
            let block = row / 16
            let lane = row % 16
            for (position, dimension) in order.enumerated() {
                values[(block * d + position) * 16 + lane] = matrix[row * d + dimension]
            }
        }
        self.rows = rows
        self.dimensions = d
        self.values = values
        self.order = order
        self.bias = bias.isEmpty ? [] : bias + [Float](repeating: 0, count: blocks * 16 - rows)
    }

    private var blockCount: Int { (rows + 15) / 16 }

    /// The order in which `Vector.dot` adds a row's products into its accumulators, read lane
    /// by lane: for lane `l`, dimensions `64c + 16j + l` for each chunk `c` of 64 and
    /// accumulator `j`, then `16c + l` for each chunk of 16 after the last 64; then the
    /// dimensions after the last 16 in turn.
    private static func order(_ k: Int) -> [Int] {
        var order: [Int] = []
        order.reserveCapacity(k)
        for l in 0..<16 {
            var i = 0
            while i + 64 <= k {
                order += (0..<4).map { i + 16 * $0 + l }
                i += 64
            }
            while i + 16 <= k {
                order.append(i + l)
                i += 16
            }
        }
        return order + Array(k / 16 * 16..<k)
    }

    /// The `limit` rows with the highest score `query · row` (`+ offset`, when given, `+
    /// bias[row]`, in that order), best first, ties to the lower row; rows in `excluded` and
    /// rows whose score is not a number are never returned.
    ///
    /// - Complexity: O(rows · dimensions + rows · log limit).
    public func top(_ query: [Float], offset: Float? = nil, limit: Int, excluded: ItemSet)
        -> [Candidate]
    {
        precondition(query.count == dimensions, "a query of \(dimensions) dimensions")
        guard limit > 0 else { return [] }
        var top = TopK(k: limit)
        var lanes = Lanes(repeating: .zero)
        order.map { query[$0] }.withUnsafeBufferPointer { q in
            values.withUnsafeBufferPointer { v in
                bias.withUnsafeBufferPointer { b in
                    for block in 0..<blockCount {
                        offer(
                            score(
                                q.baseAddress!, block: block, values: v, bias: b, offset: offset,
                                lanes: &lanes),
                            block: block, to: &top, excluded: excluded)
                    }
                }
            }
        }
        return top.sorted()
    }

    /// ``top(_:offset:limit:excluded:)`` for every query, `offsets[i]` and `excluded[i]` going
    /// with `queries[i]`: the same lists, computed a group of queries at a time against each
    /// block, the groups spread over the cores.
    ///
    /// - Complexity: O(queries · rows · dimensions + queries · rows · log limit), reading the
    ///   rows once per 32 queries.
    public func top(
        _ queries: [[Float]], offsets: [Float]? = nil, limit: Int, excluded: [ItemSet]
    ) -> [[Candidate]] {
        precondition(excluded.count == queries.count, "one excluded set per query")
        precondition(offsets.map { $0.count == queries.count } ?? true, "one offset per query")
        precondition(queries.allSatisfy { $0.count == dimensions }, "queries of \(dimensions)")
        guard limit > 0 else { return queries.map { _ in [] } }
        let groups = (queries.count + Self.group - 1) / Self.group
        let lists = concurrentMap(groups, chunk: 1) { group in
            let members = group * Self.group..<min(queries.count, (group + 1) * Self.group)
            let packed = members.flatMap { member in order.map { queries[member][$0] } }
            var tops = members.map { _ in TopK(k: limit) }
            var lanes = Lanes(repeating: .zero)
            packed.withUnsafeBufferPointer { q in
                values.withUnsafeBufferPointer { v in
                    bias.withUnsafeBufferPointer { b in
                        // Four blocks at a time stay in the L1 cache while every query
                        // of the group is scored against them.
                        for first in stride(from: 0, to: blockCount, by: 4) {
                            let blocks = first..<min(blockCount, first + 4)
                            for (slot, member) in members.enumerated() {
                                let query = q.baseAddress! + slot * dimensions
                                let (offset, excluded) = (offsets?[member], excluded[member])
                                for block in blocks {
                                    offer(
                                        score(
                                            query, block: block, values: v, bias: b,
                                            offset: offset, lanes: &lanes),
                                        block: block, to: &tops[slot], excluded: excluded)
                                }
                            }
                        }
                    }
                }
            }
            return tops.map { $0.sorted() }
        }
        return lists.flatMap { $0 }
    }

    /// Offers a block's rows to `top`, unless none of them can enter it.
    @inline(__always)
    private func offer(
        _ scores: SIMD16<Float>, block: Int, to top: inout TopK, excluded: ItemSet
    ) {
        // Once `top` is full, its threshold is a Float's score: a row can enter only if its
        // score minus the threshold is not negative, so when every lane's difference has its
        // sign bit set (read as integers, all are negative) the block is dropped. A score that
        // is not a number may pass here; the exact test below keeps it out.
        let threshold = top.threshold
        if threshold > -.infinity {
            let difference = scores - SIMD16(repeating: Float(threshold))
            guard unsafeBitCast(difference, to: SIMD16<Int32>.self).max() >= 0 else { return }
        }
        for lane in 0..<min(16, rows - block * 16) {
            let score = Double(scores[lane])
            let row = block * 16 + lane
            if score >= top.threshold, !excluded.contains(row) { top.insert(row, score: score) }
        }
    }

    /// The scores of one block's 16 rows.
    @inline(__always)
    private func score(
        _ query: UnsafePointer<Float>, block: Int, values: UnsafeBufferPointer<Float>,
        bias: UnsafeBufferPointer<Float>, offset: Float?, lanes: inout Lanes
    ) -> SIMD16<Float> {
        let k = dimensions
        let rows = values.baseAddress! + block * k * 16
        var total = Self.dot(query, rows, k, lanes: &lanes)
        if let offset { total += SIMD16(repeating: offset) }
        if !bias.isEmpty { total += Vector.load16(bias.baseAddress! + block * 16) }
        return total
    }

    /// `Vector.dot(query, row, k)` for the 16 rows of a block, each summed in that function's
    /// order: lane `l` of its accumulator `j` gathers dimensions `64c + 16j + l` (then `16c +
    /// l` after the last 64 into accumulator 0), the accumulators add as `(s0 + s1) + (s2 +
    /// s3)`, the 16 lanes as a halving tree, and the dimensions after the last 16 one by one.
    /// The query and the rows are both in ``order(_:)``, so both are read front to back;
    /// `lanes` is scratch space for the 16 lanes' sums.
    @inline(__always)
    private static func dot(
        _ query: UnsafePointer<Float>, _ rows: UnsafePointer<Float>, _ k: Int,
        lanes: inout Lanes
    ) -> SIMD16<Float> {
        let chunks = k / 64
        let sixteens = k % 64 / 16
        var p = 0
        for l in 0..<16 {
            var s0 = SIMD16<Float>()
            var s1 = SIMD16<Float>()
            var s2 = SIMD16<Float>()
            var s3 = SIMD16<Float>()
            for _ in 0..<chunks {
                s0.addProduct(SIMD16(repeating: query[p]), Vector.load16(rows + p &* 16))
                s1.addProduct(
                    SIMD16(repeating: query[p &+ 1]), Vector.load16(rows + (p &+ 1) &* 16))
                s2.addProduct(
                    SIMD16(repeating: query[p &+ 2]), Vector.load16(rows + (p &+ 2) &* 16))
                s3.addProduct(
                    SIMD16(repeating: query[p &+ 3]), Vector.load16(rows + (p &+ 3) &* 16))
                p &+= 4
            }
            for _ in 0..<sixteens {
                s0.addProduct(SIMD16(repeating: query[p]), Vector.load16(rows + p &* 16))
                p &+= 1
            }
            lanes[l] = (s0 + s1) + (s2 + s3)
        }
        for l in 0..<8 { lanes[l] = lanes[l] + lanes[l &+ 8] }
        for l in 0..<4 { lanes[l] = lanes[l] + lanes[l &+ 4] }
        for l in 0..<2 { lanes[l] = lanes[l] + lanes[l &+ 2] }
        var total = lanes[0] + lanes[1]
        while p < k {
            total += SIMD16(repeating: query[p]) * Vector.load16(rows + p &* 16)
            p &+= 1
        }
        return total
    }
}
