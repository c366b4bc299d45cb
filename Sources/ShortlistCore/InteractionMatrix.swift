import Dispatch
import Foundation

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

    /// Builds the rows from unordered entries: each row's entries ordered by timestamp, then
    /// column, then position in the input.
    ///
    /// The rows are sorted on up to `threads` threads; the result does not depend on how many.
    ///
    /// - Complexity: O(entries · log(entries per row)).
    init(
        rowCount: Int, rows: [Int32], columns: [Int32], ratings: [Float], timestamps: [Int64],
        threads: Int = Cores.available
    ) {
        let offsets = Self.offsets(of: rows, rowCount: rowCount)
        // A stable counting sort: each row's entries in input order, then sorted in place.
        var next = Array(offsets.dropLast())
        let count = rows.count
        var outColumns = [Int32](unsafeUninitializedCapacity: count) { _, n in n = count }
        var outRatings = [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
        var outTimestamps = [Int64](unsafeUninitializedCapacity: count) { _, n in n = count }
        outColumns.withUnsafeMutableBufferPointer { outColumns in
            outRatings.withUnsafeMutableBufferPointer { outRatings in
                outTimestamps.withUnsafeMutableBufferPointer { outTimestamps in
                    for position in 0..<count {
                        let row = Int(rows[position])
                        let slot = next[row]
                        next[row] = slot &+ 1
                        outColumns[slot] = columns[position]
                        outRatings[slot] = ratings[position]
                        outTimestamps[slot] = timestamps[position]
                    }
                }
            }
        }
        next = []
        Self.sortRows(offsets, &outColumns, &outRatings, &outTimestamps, threads: threads)
        self.offsets = offsets
        self.columns = outColumns
        self.ratings = outRatings
        self.timestamps = outTimestamps
    }

    /// The same entries grouped by the other side: row `c` of the result holds every entry
    /// whose column is `c`, with the row it came from as its column, ordered by timestamp, then
    /// column, then position in `self` (so, for rows built from input, in the input).
    ///
    /// - Complexity: O(entries · log(entries per row)).
    func transposed(
        columnCount: Int, threads: Int = Cores.available
    ) -> InteractionMatrix {
        let columnOffsets = Self.offsets(of: columns, rowCount: columnCount)
        var next = Array(columnOffsets.dropLast())
        let count = entryCount
        var outColumns = [Int32](unsafeUninitializedCapacity: count) { _, n in n = count }
        var outRatings = [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
        var outTimestamps = [Int64](unsafeUninitializedCapacity: count) { _, n in n = count }
        outColumns.withUnsafeMutableBufferPointer { outColumns in
            outRatings.withUnsafeMutableBufferPointer { outRatings in
                outTimestamps.withUnsafeMutableBufferPointer { outTimestamps in
                    for row in 0..<rowCount {
                        for entry in self.offsets[row]..<self.offsets[row + 1] {
                            let column = Int(columns[entry])
                            let slot = next[column]
                            next[column] = slot &+ 1
                            outColumns[slot] = Int32(row)
                            outRatings[slot] = ratings[entry]
                            outTimestamps[slot] = timestamps[entry]
                        }
                    }
                }
            }
        }
        next = []
        Self.sortRows(columnOffsets, &outColumns, &outRatings, &outTimestamps, threads: threads)
        return InteractionMatrix(
            offsets: columnOffsets, columns: outColumns, ratings: outRatings,
            timestamps: outTimestamps)
    }

    /// Rows as they were stored; nil unless the offsets start at 0, never decrease and end at
    /// the entry count, and the arrays are equally long. (Whether rows are sorted and columns
    /// in range is for the caller, which knows the other side.)
    public init?(
        storedOffsets offsets: [Int], columns: [Int32], ratings: [Float], timestamps: [Int64]
    ) {
        guard offsets.first == 0, offsets.last == columns.count, ratings.count == columns.count,
            timestamps.count == columns.count,
            zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 })
        else { return nil }
        self.init(offsets: offsets, columns: columns, ratings: ratings, timestamps: timestamps)
    }

    private init(offsets: [Int], columns: [Int32], ratings: [Float], timestamps: [Int64]) {
        self.offsets = offsets
        self.columns = columns
        self.ratings = ratings
        self.timestamps = timestamps
    }

    /// Sorts each row's entries, which are in input order, by timestamp, then column, keeping
    /// input order among ties; rows are spread over up to `threads` threads.
    private static func sortRows(
        _ offsets: [Int], _ columns: inout [Int32], _ ratings: inout [Float],
        _ timestamps: inout [Int64], threads: Int
    ) {
        let blocks = Self.blocks(offsets, threads: threads)
        columns.withUnsafeMutableBufferPointer { columns in
            ratings.withUnsafeMutableBufferPointer { ratings in
                timestamps.withUnsafeMutableBufferPointer { timestamps in
                    let entries = Entries(
                        columns: columns, ratings: ratings, timestamps: timestamps)
                    DispatchQueue.concurrentPerform(iterations: blocks.count - 1) { block in
                        entries.sortRows(offsets[blocks[block]...blocks[block + 1]])
                    }
                }
            }
        }
    }

    /// Where each row starts when entries are grouped by `rows` (each in `0 ..< rowCount`).
    static func offsets(of rows: [Int32], rowCount: Int) -> [Int] {
        var offsets = [Int](repeating: 0, count: rowCount + 1)
        for row in rows { offsets[Int(row) + 1] += 1 }
        for r in 0..<rowCount { offsets[r + 1] += offsets[r] }
        return offsets
    }

    /// Row boundaries that split the entries into about `threads · 8` blocks.
    private static func blocks(_ offsets: [Int], threads: Int) -> [Int] {
        let rowCount = offsets.count - 1
        let pieces = max(1, min(rowCount, threads * 8))
        var blocks = [0]
        let total = offsets[rowCount]
        var row = 0
        for piece in 1..<pieces {
            let target = total / pieces * piece
            while row < rowCount, offsets[row] < target { row += 1 }
            if row > blocks[blocks.count - 1] { blocks.append(row) }
        }
        if rowCount > blocks[blocks.count - 1] { blocks.append(rowCount) }
        return blocks
    }
}

/// The three entry arrays of rows being sorted, shared by the threads that sort disjoint rows.
private struct Entries: @unchecked Sendable {
    let columns: UnsafeMutableBufferPointer<Int32>
    let ratings: UnsafeMutableBufferPointer<Float>
    let timestamps: UnsafeMutableBufferPointer<Int64>

    /// Sorts each row of `offsets` by timestamp, then column, then present position.
    func sortRows(_ offsets: ArraySlice<Int>) {
        var keys: [(Int64, Int32, Int32)] = []
        var floats: [Float] = []
        for r in offsets.startIndex..<offsets.endIndex - 1 {
            let range = offsets[r]..<offsets[r + 1]
            guard range.count > 1 else { continue }
            var isSorted = true
            for i in range.dropFirst()
            where (timestamps[i - 1], columns[i - 1]) > (timestamps[i], columns[i]) {
                isSorted = false
                break
            }
            guard !isSorted else { continue }
            keys.removeAll(keepingCapacity: true)
            floats.removeAll(keepingCapacity: true)
            for i in range {
                keys.append(
                    (timestamps[i], columns[i], Int32(truncatingIfNeeded: i - range.lowerBound)))
                floats.append(ratings[i])
            }
            keys.sort { $0 < $1 }
            for (i, key) in zip(range, keys) {
                timestamps[i] = key.0
                columns[i] = key.1
                ratings[i] = floats[Int(key.2)]
            }
        }
    }
}
