import ShortlistTestSupport
import Testing

@testable import ShortlistCore

/// The matrix and its row views: values in row-major order, value semantics, the alignment the
/// kernels rely on, and views that refuse an index outside them in debug builds.
@Suite struct MatrixTests {
    let values: [Float] = (0..<12).map(Float.init)

    @Test func rowsViewTheValuesInRowMajorOrder() {
        let matrix = Matrix(rows: 3, columns: 4, values: values)
        #expect(matrix.values == values)
        #expect(matrix[2, 1] == 9)
        let rows = matrix.withRows { rows in
            (0..<rows.count).map { r in (0..<4).map { rows[r][$0] } }
        }
        #expect(rows == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])
        #expect(values.withRows(width: 6) { [$0.count, $0.width, Int($0[1][0])] } == [2, 6, 6])
    }

    @Test func aCopyIsUnchangedWhenTheOriginalIsWritten() {
        var matrix = Matrix(rows: 3, columns: 4, values: values)
        let copy = matrix
        matrix.withMutableRows { $0[1][2] = -1 }
        var second = matrix
        second.withMutableRows { $0[0][0] = -2 }
        #expect(copy.values == values)
        #expect(matrix.values[6] == -1 && matrix.values[0] == 0)
        #expect(second.values[6] == -1 && second.values[0] == -2)
    }

    @Test func slicesAndRowsOfARowViewTheRightValues() {
        var target = [Float](repeating: 0, count: 6)
        values.withRow { row in
            let slice = row.slice(4, count: 6)
            #expect(slice.count == 6 && slice[0] == 4 && slice[5] == 9)
            let rows = slice.rows(width: 3)
            #expect(rows.count == 2 && rows[1][0] == 7)
            target.withMutableRow { $0.slice(3, count: 3).assign(rows[1]) }
        }
        #expect(target == [0, 0, 0, 7, 8, 9])
        target.withMutableRow { $0.fill(1) }
        #expect(target == [1, 1, 1, 1, 1, 1])
        let empty: [Float] = []
        #expect(empty.withRow { $0.count } == 0)
    }

    @Test func theKernelsOnRowsGiveThePointerKernelsResults() {
        var random = SeededGenerator(seed: 3)
        let a = random.normals(count: 37, std: 1)
        var b = random.normals(count: 37, std: 1)
        let dot = a.withRow { a in b.withRow { Vector.dot(a, $0) } }
        let pointerDot = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { Vector.dot(a.baseAddress!, $0.baseAddress!, 37) }
        }
        #expect(dot.bitPattern == pointerDot.bitPattern)
        var expected = b
        expected.withUnsafeMutableBufferPointer { y in
            a.withUnsafeBufferPointer { Vector.axpy(0.5, $0.baseAddress!, y.baseAddress!, 37) }
        }
        a.withRow { a in b.withMutableRow { Vector.axpy(0.5, a, $0) } }
        #expect(b == expected)
    }

    @Test func storageStartsOnACacheLineAndLargeMatricesOnAHugePage() {
        for (rows, columns) in [(1, 1), (3, 5), (700, 1024)] {
            let matrix = Matrix(rows: rows, columns: columns)
            let address = matrix.withRows { Int(bitPattern: $0.base) }
            let alignment = rows * columns * 4 >= 2 << 20 ? 2 << 20 : 64
            #expect(address % alignment == 0, "\(rows) × \(columns)")
        }
    }

    @Test func aRowOutsideTheMatrixTrapsInDebugBuilds() async {
        await #expect(processExitsWith: .failure) {
            let matrix = Matrix(rows: 2, columns: 3)
            _ = matrix.withRows { $0[2][0] }
        }
        await #expect(processExitsWith: .failure) {
            let values: [Float] = [1, 2, 3]
            _ = values.withRow { $0[3] }
        }
        await #expect(processExitsWith: .failure) {
            let (a, b): ([Float], [Float]) = ([1, 2], [1, 2, 3])
            _ = a.withRow { a in b.withRow { Vector.dot(a, $0) } }
        }
    }
}
