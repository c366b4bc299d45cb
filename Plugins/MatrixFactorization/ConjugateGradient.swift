import Foundation
import ShortlistCore

/// Solves each row's weighted least-squares problem (YᵀY + Yᵀ(Cᵤ − I)Y + λI)·x = YᵀCᵤpᵤ by a few
/// conjugate-gradient steps from the current x.
struct ConjugateGradient: Sendable {
    let factors: Int
    let regularization: Float
    let steps: Int
    /// How many threads share the rows; 0 means one per core. Rows are independent, so the
    /// result does not depend on it.
    let threads: Int

    /// Updates every row of `target` (rows × factors) given the fixed side's factors, and
    /// returns the updated rows' part of the weighted squared error: Σ over rows of
    /// xᵀ(YᵀY)x plus, for each observed pair, c(1 − s)² − s² (Σ over all pairs of s² is
    /// Σ xᵀ(YᵀY)x, so only observed pairs need their own terms). After the second half of a
    /// sweep that is the whole error but the λ(‖X‖² + ‖Y‖²) term; it is summed while each
    /// row's entries are still in cache, in chunks added in a fixed order (so it does not
    /// depend on the thread count either). Unless `measuring`, the error is not computed
    /// (it costs a product with YᵀY and a dot product per entry for every row) and 0 is
    /// returned: the first half of a sweep does not need it.
    ///
    /// - Complexity: O(fixed rows · factors² + entries · factors · steps + rows · factors² · steps).
    func solve(
        _ target: inout [Float], given fixed: [Float], rows: ConfidenceRows, measuring: Bool
    ) -> Double {
        let k = factors
        let gram = self.gram(fixed)
        let rowCount = rows.offsets.count - 1
        // The fixed side's rows in a matrix of their own: its allocation starts on a huge page
        // and is backed by huge pages where the system offers them (rows are read in random
        // order, and with 4 KiB pages most reads of a large side also miss the TLB).
        let y = Matrix(rows: fixed.count / max(k, 1), columns: k, values: fixed)
        let chunk = 32
        let chunks = (rowCount + chunk - 1) / chunk
        let workers = min(chunks, threads > 0 ? threads : Cores.available)
        // Chunks are handed out one at a time: rows differ in length by orders of magnitude
        // (a popular item's against a rare one's), so a fixed share per thread would leave one
        // thread waiting on the other.
        let next = ChunkCounter()
        return target.withMutableRows(width: k) { x in
            y.withRows { y in
                gram.withRows(width: k) { gram in
                    let partials = concurrentMap(workers, threads: workers, chunk: 1) { _ in
                        var scratch = Matrix(rows: 3, columns: k)
                        let fixed = Fixed(y: y, gram: gram, rows: rows)
                        return scratch.withMutableRows { scratch in
                            var errors: [(chunk: Int, error: Double)] = []
                            while let index = next.take(below: chunks) {
                                var error = 0.0
                                for row in index * chunk..<min(rowCount, (index + 1) * chunk) {
                                    error += solveRow(
                                        x[row], rows.offsets[row]..<rows.offsets[row + 1],
                                        fixed, measuring: measuring, scratch: scratch)
                                }
                                errors.append((index, error))
                            }
                            return errors
                        }
                    }
                    var byChunk = [Double](repeating: 0, count: chunks)
                    for (index, error) in partials.joined() { byChunk[index] = error }
                    return byChunk.reduce(0, +)
                }
            }
        }
    }

    /// λ(‖X‖² + ‖Y‖²), the rest of the weighted squared error.
    func penalty(_ x: [Float], _ y: [Float]) -> Double {
        let norms =
            x.withRow { Vector.dot($0, $0) } + y.withRow { Vector.dot($0, $0) }
        return Double(regularization) * Double(norms)
    }

    /// What every row's solve reads: the fixed side's factors, YᵀY + λI and the entries.
    private struct Fixed {
        let y: Matrix.Rows
        let gram: Matrix.Rows
        let rows: ConfidenceRows
    }

    /// YᵀY + λI.
    private func gram(_ y: [Float]) -> [Float] {
        var gram = MatrixFactorizationPlugin.gram(y, factors: factors)
        for a in 0..<factors { gram[a * factors + a] += regularization }
        return gram
    }

    /// Solves one row in place (`x`, the entries at `range`), with three rows of `scratch`,
    /// and returns its error terms when `measuring`.
    @inline(__always)
    private func solveRow(
        _ x: Matrix.MutableRow, _ range: Range<Int>, _ fixed: Fixed, measuring: Bool,
        scratch: Matrix.MutableRows
    ) -> Double {
        let k = factors
        let (r, p, ap) = (scratch[0], scratch[1], scratch[2])
        let (y, g) = (fixed.y, fixed.gram)
        let columns = fixed.rows.columns
        let confidences = fixed.rows.confidences
        // r = b − A·x
        for a in 0..<k { r[a] = -Vector.dot(g[a], x.reading) }
        for entry in range {
            let yi = y[Int(columns[entry])]
            let c = confidences[entry]
            Vector.axpy(c - (c - 1) * Vector.dot(yi, x.reading), yi, r)
        }
        p.assign(r.reading)
        var rsOld = Vector.dot(r.reading, r.reading)
        for _ in 0..<steps {
            if rsOld < 1e-20 { break }
            for a in 0..<k { ap[a] = Vector.dot(g[a], p.reading) }
            for entry in range {
                let yi = y[Int(columns[entry])]
                Vector.axpy((confidences[entry] - 1) * Vector.dot(yi, p.reading), yi, ap)
            }
            let pAp = Vector.dot(p.reading, ap.reading)
            if !(pAp > 0) { break }
            let step = rsOld / pAp
            Vector.axpy(step, p.reading, x)
            Vector.axpy(-step, ap.reading, r)
            let rsNew = Vector.dot(r.reading, r.reading)
            let beta = rsNew / rsOld
            for a in 0..<k { p[a] = r[a] + beta * p[a] }
            rsOld = rsNew
        }
        // The row's error terms: xᵀ(YᵀY)x = xᵀ(YᵀY + λI)x − λ‖x‖².
        guard measuring else { return 0 }
        for a in 0..<k { ap[a] = Vector.dot(g[a], x.reading) }
        var error =
            Double(Vector.dot(ap.reading, x.reading))
            - Double(regularization) * Double(Vector.dot(x.reading, x.reading))
        for entry in range {
            let s = Double(Vector.dot(y[Int(columns[entry])], x.reading))
            let c = Double(confidences[entry])
            error += c * (1 - s) * (1 - s) - s * s
        }
        return error
    }
}

/// Hands out the indices 0, 1, 2, … to whichever thread asks next.
private final class ChunkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    /// The next index, or nil once `count` have been handed out.
    func take(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}

/// YᵀY for the rows of `y` (rows × `factors`), as a factors × factors matrix.
///
/// - Complexity: O(rows · factors²).
func gram(_ y: [Float], factors k: Int) -> [Float] {
    var gram = [Float](repeating: 0, count: k * k)
    y.withRows(width: k) { y in
        gram.withMutableRows(width: k) { g in
            for row in 0..<y.count {
                let v = y[row]
                for a in 0..<k { Vector.axpy(v[a], v, g[a]) }
            }
        }
    }
    return gram
}
