import Foundation

/// A row-major matrix of floats in one allocation that starts on a cache line (on a huge page,
/// advised to be backed by huge pages, from 2 MiB up: a large matrix read in random row order
/// otherwise misses the TLB on most reads).
///
/// A value: copies share the allocation until one of them is changed. The kernels read it
/// through ``Rows`` and ``Row`` views, which exist only inside ``withRows(_:)`` and
/// ``withMutableRows(_:)``; their subscripts check bounds in debug builds. Plain `[Float]` arrays
/// get the same views from `withRow`, `withMutableRow`, `withRows(width:_:)` and
/// `withMutableRows(width:_:)`. A plugin reads and writes rows through these views and
/// `Vector`'s kernels on them, and never holds a pointer.
public struct Matrix: @unchecked Sendable {
    /// The number of rows.
    public let rows: Int
    /// The length of a row.
    public let columns: Int
    @usableFromInline var storage: Storage

    /// A `rows × columns` matrix of zeros.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "a matrix has no negative size")
        self.rows = rows
        self.columns = columns
        storage = Storage(count: rows * columns)
    }

    /// The matrix whose rows are `values` (row-major, `rows × columns`).
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "values must fill rows × columns")
        self.init(rows: rows, columns: columns)
        values.withUnsafeBufferPointer {
            guard let source = $0.baseAddress else { return }
            storage.base.update(from: source, count: values.count)
        }
    }

    /// The values, row-major.
    public var values: [Float] {
        Array(UnsafeBufferPointer(start: storage.base, count: rows * columns))
    }

    /// The value at `row`, `column`.
    public subscript(row: Int, column: Int) -> Float {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns)
        return storage.base[row * columns + column]
    }

    /// `body` applied to views of the rows.
    @inlinable
    public func withRows<R>(_ body: (Rows) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(Rows(UnsafePointer(storage.base), count: rows, width: columns))
        }
    }

    /// `body` applied to writable views of the rows.
    @inlinable
    public mutating func withMutableRows<R>(_ body: (MutableRows) throws -> R) rethrows -> R {
        makeUnique()
        return try withExtendedLifetime(storage) {
            try body(MutableRows(storage.base, count: rows, width: columns))
        }
    }

    @usableFromInline
    mutating func makeUnique() {
        guard !isKnownUniquelyReferenced(&storage) else { return }
        let copy = Storage(count: rows * columns)
        copy.base.update(from: storage.base, count: rows * columns)
        storage = copy
    }

    /// One allocation of `count` floats, zeroed.
    @usableFromInline
    final class Storage {
        @usableFromInline let base: UnsafeMutablePointer<Float>

        init(count: Int) {
            let hugePage = 2 << 20
            let bytes = max(count, 1) * MemoryLayout<Float>.stride
            let alignment = bytes >= hugePage ? hugePage : 64
            let rounded = (bytes + alignment - 1) / alignment * alignment
            let raw = UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: alignment)
            #if os(Linux)
                if alignment == hugePage { madvise(raw, rounded, MADV_HUGEPAGE) }
            #endif
            base = raw.initializeMemory(as: Float.self, repeating: 0, count: max(count, 1))
        }

        deinit { base.deallocate() }
    }
}

extension Matrix {
    /// Read-only views of `count` rows of `width` floats each.
    public struct Rows: @unchecked Sendable {
        @usableFromInline let base: UnsafePointer<Float>
        /// The number of rows.
        public let count: Int
        /// The length of a row.
        public let width: Int

        @inlinable
        init(_ base: UnsafePointer<Float>, count: Int, width: Int) {
            self.base = base
            self.count = count
            self.width = width
        }

        /// Row `index`.
        @inlinable
        public subscript(index: Int) -> Row {
            assert(index >= 0 && index < count, "row \(index) of \(count)")
            return Row(base + index &* width, count: width)
        }

    }

    /// A read-only view of `count` consecutive floats.
    public struct Row: @unchecked Sendable {
        @usableFromInline let base: UnsafePointer<Float>
        /// The number of values.
        public let count: Int

        @inlinable
        init(_ base: UnsafePointer<Float>, count: Int) {
            self.base = base
            self.count = count
        }

        /// Value `index`.
        @inlinable
        public subscript(index: Int) -> Float {
            assert(index >= 0 && index < count, "value \(index) of \(count)")
            return base[index]
        }

        /// The `count` values from `start`.
        @inlinable
        public func slice(_ start: Int, count: Int) -> Row {
            assert(start >= 0 && count >= 0 && start + count <= self.count, "slice out of range")
            return Row(base + start, count: count)
        }

        /// These values as rows of `width`.
        @inlinable
        public func rows(width: Int) -> Rows {
            assert(width > 0 && count % width == 0, "rows of \(width) in \(count) values")
            return Rows(base, count: count / width, width: width)
        }
    }

    /// Writable views of `count` rows of `width` floats each. Threads may write disjoint rows
    /// of one view at once.
    public struct MutableRows: @unchecked Sendable {
        @usableFromInline let base: UnsafeMutablePointer<Float>
        /// The number of rows.
        public let count: Int
        /// The length of a row.
        public let width: Int

        @inlinable
        init(_ base: UnsafeMutablePointer<Float>, count: Int, width: Int) {
            self.base = base
            self.count = count
            self.width = width
        }

        /// Row `index`.
        @inlinable
        public subscript(index: Int) -> MutableRow {
            assert(index >= 0 && index < count, "row \(index) of \(count)")
            return MutableRow(base + index &* width, count: width)
        }

    }

    /// A writable view of `count` consecutive floats.
    public struct MutableRow: @unchecked Sendable {
        @usableFromInline let base: UnsafeMutablePointer<Float>
        /// The number of values.
        public let count: Int

        @inlinable
        init(_ base: UnsafeMutablePointer<Float>, count: Int) {
            self.base = base
            self.count = count
        }

        /// Value `index`.
        @inlinable
        public subscript(index: Int) -> Float {
            get {
                assert(index >= 0 && index < count, "value \(index) of \(count)")
                return base[index]
            }
            nonmutating set {
                assert(index >= 0 && index < count, "value \(index) of \(count)")
                base[index] = newValue
            }
        }

        /// The same values, read-only.
        @inlinable
        public var reading: Row { Row(UnsafePointer(base), count: count) }

        /// The `count` values from `start`.
        @inlinable
        public func slice(_ start: Int, count: Int) -> MutableRow {
            assert(start >= 0 && count >= 0 && start + count <= self.count, "slice out of range")
            return MutableRow(base + start, count: count)
        }

        /// These values as rows of `width`.
        @inlinable
        public func rows(width: Int) -> MutableRows {
            assert(width > 0 && count % width == 0, "rows of \(width) in \(count) values")
            return MutableRows(base, count: count / width, width: width)
        }

        /// Sets every value to `value`.
        @inlinable
        public func fill(_ value: Float) { base.update(repeating: value, count: count) }

        /// Copies `source` (of the same length) in.
        @inlinable
        public func assign(_ source: Row) {
            assert(source.count == count, "copying \(source.count) values into \(count)")
            base.update(from: source.base, count: count)
        }
    }
}

extension Array where Element == Float {
    /// `body` applied to a view of the array.
    @inlinable
    public func withRow<R>(_ body: (Matrix.Row) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { buffer in
            try body(
                Matrix.Row(buffer.baseAddress ?? UnsafePointer(Matrix.empty), count: buffer.count))
        }
    }

    /// `body` applied to a writable view of the array.
    @inlinable
    public mutating func withMutableRow<R>(_ body: (Matrix.MutableRow) throws -> R) rethrows
        -> R
    {
        try withUnsafeMutableBufferPointer { buffer in
            try body(
                Matrix.MutableRow(
                    buffer.baseAddress ?? Matrix.empty,
                    count: buffer.count))
        }
    }

    /// `body` applied to views of the array as rows of `width` (the count a multiple of it).
    @inlinable
    public func withRows<R>(width: Int, _ body: (Matrix.Rows) throws -> R) rethrows -> R {
        try withRow { try body($0.rows(width: width)) }
    }

    /// `body` applied to writable views of the array as rows of `width`.
    @inlinable
    public mutating func withMutableRows<R>(width: Int, _ body: (Matrix.MutableRows) throws -> R)
        rethrows -> R
    {
        try withMutableRow { try body($0.rows(width: width)) }
    }
}

extension Matrix {
    /// Where an empty array's view points: an aligned address never read, since its count is 0.
    @inlinable
    static var empty: UnsafeMutablePointer<Float> {
        UnsafeMutablePointer(bitPattern: MemoryLayout<Float>.alignment).unsafelyUnwrapped
    }
}
