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
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        let count = rows.count
        var counts = [Int](repeating: 0, count: rowCount + 1)
        for row in rows { counts[Int(row) + 1] += 1 }
        for r in 0..<rowCount { counts[r + 1] += counts[r] }
        let offsets = counts
        counts = []
        // Positions grouped by row, ascending within each row (a stable counting sort).
        var order = [Int32](repeating: 0, count: count)
        var next = Array(offsets.dropLast())
        for (position, row) in rows.enumerated() {
            order[next[Int(row)]] = Int32(truncatingIfNeeded: position)
            next[Int(row)] += 1
        }
        next = []
        let blocks = Self.blocks(offsets, threads: threads)
        order.withUnsafeMutableBufferPointer { order in
            let shared = SharedBuffer(order)
            timestamps.withUnsafeBufferPointer { timestamps in
                columns.withUnsafeBufferPointer { columns in
                    let time = SharedBuffer(timestamps)
                    let column = SharedBuffer(columns)
                    DispatchQueue.concurrentPerform(iterations: blocks.count - 1) { block in
                        Self.sortRows(
                            offsets[blocks[block]...blocks[block + 1]], order: shared,
                            timestamps: time, columns: column)
                    }
                }
            }
        }
        self.offsets = offsets
        self.columns = Self.gather(columns, order)
        self.ratings = Self.gather(ratings, order)
        self.timestamps = Self.gather(timestamps, order)
    }

    /// Row boundaries that split the entries into about `threads · 8` blocks.
    private static func blocks(_ offsets: [Int], threads: Int) -> [Int] {
        let rowCount = offsets.count - 1
        let pieces = max(1, min(rowCount, threads * 8))
        var blocks = [0]
        let total = offsets[rowCount]
        var row = 0
        for piece in 1..<max(pieces, 1) {
            let target = total / pieces * piece
            while row < rowCount, offsets[row] < target { row += 1 }
            if row > blocks[blocks.count - 1] { blocks.append(row) }
        }
        if rowCount > blocks[blocks.count - 1] { blocks.append(rowCount) }
        return blocks
    }

    /// Sorts each row's positions (ascending on entry) by timestamp, then column.
    private static func sortRows(
        _ offsets: ArraySlice<Int>, order: SharedBuffer<Int32>, timestamps: SharedBuffer<Int64>,
        columns: SharedBuffer<Int32>
    ) {
        var keys: [(Int64, Int32, Int32)] = []
        for r in offsets.startIndex..<offsets.endIndex - 1 {
            let range = offsets[r]..<offsets[r + 1]
            guard range.count > 1 else { continue }
            var isSorted = true
            for i in range.dropFirst() {
                let a = Int(order[i - 1])
                let b = Int(order[i])
                if (timestamps[a], columns[a]) > (timestamps[b], columns[b]) {
                    isSorted = false
                    break
                }
            }
            guard !isSorted else { continue }
            keys.removeAll(keepingCapacity: true)
            for i in range {
                let p = Int(order[i])
                keys.append((timestamps[p], columns[p], order[i]))
            }
            keys.sort { $0 < $1 }
            for (i, key) in zip(range, keys) { order[i] = key.2 }
        }
    }

    private static func gather<T: BitwiseCopyable>(_ values: [T], _ order: [Int32]) -> [T] {
        [T](unsafeUninitializedCapacity: order.count) { output, initialized in
            values.withUnsafeBufferPointer { values in
                order.withUnsafeBufferPointer { order in
                    for i in 0..<order.count { output[i] = values[Int(order[i])] }
                }
            }
            initialized = order.count
        }
    }
}

/// A buffer that several threads read, or write at disjoint positions.
struct SharedBuffer<Element>: @unchecked Sendable {
    private let start: UnsafeMutablePointer<Element>?

    init(_ buffer: UnsafeMutableBufferPointer<Element>) { start = buffer.baseAddress }
    init(_ buffer: UnsafeBufferPointer<Element>) {
        start = buffer.baseAddress.map { UnsafeMutablePointer(mutating: $0) }
    }

    subscript(position: Int) -> Element {
        get { start.unsafelyUnwrapped[position] }
        nonmutating set { start.unsafelyUnwrapped[position] = newValue }
    }
}
