/// Interactions in compressed rows: row `r` holds the entries `offsets[r] ..< offsets[r + 1]`.
///
/// By user, a row is one user's interactions ordered by timestamp then item, and `columns`
/// holds item indices; by item, a row is one item's interactions and `columns` holds users.
public struct InteractionMatrix: Sendable, Equatable {
    /// Row start positions; `offsets.count == rowCount + 1`.
    public let offsets: [Int]
    /// The other side's index for each entry.
    public let columns: [Int32]
    /// The rating of each entry (1 where the data has no ratings).
    public let ratings: [Float]
    /// The time of each entry in seconds since 1970 (0 where the data has no timestamps).
    public let timestamps: [Int64]

    /// The number of rows.
    public var rowCount: Int { offsets.count - 1 }
    /// The number of entries.
    public var entryCount: Int { columns.count }

    /// The entry positions of row `row`.
    @inlinable
    public func range(of row: Int) -> Range<Int> { offsets[row]..<offsets[row + 1] }

    /// The number of entries in row `row`.
    @inlinable
    public func count(of row: Int) -> Int { offsets[row + 1] - offsets[row] }

    /// Builds the rows from unordered entries.
    ///
    /// - Complexity: O(entries · log(entries per row)).
    init(rowCount: Int, rows: [Int32], columns: [Int32], ratings: [Float], timestamps: [Int64]) {
        var offsets = [Int](repeating: 0, count: rowCount + 1)
        for row in rows { offsets[Int(row) + 1] += 1 }
        for r in 0..<rowCount { offsets[r + 1] += offsets[r] }
        var next = offsets
        var order = [Int](repeating: 0, count: rows.count)
        for (position, row) in rows.enumerated() {
            order[next[Int(row)]] = position
            next[Int(row)] += 1
        }
        for r in 0..<rowCount {
            order[offsets[r]..<offsets[r + 1]].sort {
                (timestamps[$0], columns[$0], $0) < (timestamps[$1], columns[$1], $1)
            }
        }
        self.offsets = offsets
        self.columns = order.map { columns[$0] }
        self.ratings = order.map { ratings[$0] }
        self.timestamps = order.map { timestamps[$0] }
    }
}
