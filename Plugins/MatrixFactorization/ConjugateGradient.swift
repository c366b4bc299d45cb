import Dispatch
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

    /// Updates every row of `target` (rows × factors) given the fixed side's factors.
    ///
    /// - Complexity: O(fixed rows · factors² + entries · factors · steps + rows · factors² · steps).
    func solve(_ target: inout [Float], given fixed: [Float], rows: ConfidenceRows) {
        let k = factors
        let gram = self.gram(fixed)
        let rowCount = rows.offsets.count - 1
        // The fixed side's rows, each starting on a cache line: an array's elements start 32
        // bytes into their allocation, so every row of 64 floats would span five lines.
        let y = UnsafeMutableRawPointer.allocate(
            byteCount: max(fixed.count, 1) * MemoryLayout<Float>.stride, alignment: 64
        ).bindMemory(to: Float.self, capacity: max(fixed.count, 1))
        defer { y.deallocate() }
        fixed.withUnsafeBufferPointer { y.update(from: $0.baseAddress!, count: fixed.count) }
        target.withUnsafeMutableBufferPointer { x in
            let shared = Shared(x: x.baseAddress!, y: y, gram: gram, rows: rows)
            let chunk = 32
            let chunks = (rowCount + chunk - 1) / chunk
            let workers = min(
                chunks, threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount)
            let work: @Sendable (Int) -> Void = { worker in
                var scratch = [Float](repeating: 0, count: 3 * k)
                scratch.withUnsafeMutableBufferPointer { buffer in
                    for index in stride(from: worker, to: chunks, by: workers) {
                        for row in index * chunk..<min(rowCount, (index + 1) * chunk) {
                            solveRow(row, shared, scratch: buffer.baseAddress!)
                        }
                    }
                }
            }
            if workers > 1 {
                DispatchQueue.concurrentPerform(iterations: workers, execute: work)
            } else if workers == 1 {
                work(0)
            }
        }
    }

    /// The weighted squared error over every user–item pair plus λ(‖X‖² + ‖Y‖²).
    ///
    /// Σ over all pairs of s² is Σ_u x_uᵀ(YᵀY)x_u, so only observed pairs need their own terms:
    /// c(1 − s)² replaces s² there.
    ///
    /// - Complexity: O(users · factors² + interactions · factors).
    func loss(users x: [Float], items y: [Float], rows: ConfidenceRows) -> Double {
        let k = factors
        let gram = MatrixFactorizationPlugin.gram(y, factors: k)
        let rowCount = rows.offsets.count - 1
        let chunk = 512
        let chunks = (rowCount + chunk - 1) / chunk
        // Each chunk's sum, added in chunk order: the total does not depend on the threads.
        var partials = [Double](repeating: 0, count: chunks)
        partials.withUnsafeMutableBufferPointer { partials in
            let shared = LossInputs(
                x: x, y: y, gram: gram, rows: rows, partials: partials.baseAddress!)
            let workers = min(
                chunks, threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount)
            let work: @Sendable (Int) -> Void = { worker in
                for index in stride(from: worker, to: chunks, by: workers) {
                    shared.partials[index] = shared.sum(
                        index * chunk..<min(rowCount, (index + 1) * chunk), k)
                }
            }
            if workers > 1 {
                DispatchQueue.concurrentPerform(iterations: workers, execute: work)
            } else if workers == 1 {
                work(0)
            }
        }
        var total = partials.reduce(0, +)
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                let norms =
                    Vector.dot(xs.baseAddress!, xs.baseAddress!, xs.count)
                    + Vector.dot(ys.baseAddress!, ys.baseAddress!, ys.count)
                total += Double(regularization) * Double(norms)
            }
        }
        return total
    }

    /// What the threads summing the loss share.
    private struct LossInputs: @unchecked Sendable {
        let x: [Float]
        let y: [Float]
        let gram: [Float]
        let rows: ConfidenceRows
        let partials: UnsafeMutablePointer<Double>

        /// Σ over the rows of x_uᵀ(YᵀY)x_u plus, for observed pairs, c(1 − s)² − s².
        func sum(_ range: Range<Int>, _ k: Int) -> Double {
            var total = 0.0
            x.withUnsafeBufferPointer { xs in
                y.withUnsafeBufferPointer { ys in
                    gram.withUnsafeBufferPointer { g in
                        var gx = [Float](repeating: 0, count: k)
                        for row in range {
                            let xu = xs.baseAddress! + row * k
                            for a in 0..<k { gx[a] = Vector.dot(g.baseAddress! + a * k, xu, k) }
                            total += Double(
                                gx.withUnsafeBufferPointer { Vector.dot($0.baseAddress!, xu, k) })
                            for entry in rows.offsets[row]..<rows.offsets[row + 1] {
                                let s = Double(
                                    Vector.dot(
                                        ys.baseAddress! + Int(rows.columns[entry]) * k, xu, k))
                                let c = Double(rows.confidences[entry])
                                total += c * (1 - s) * (1 - s) - s * s
                            }
                        }
                    }
                }
            }
            return total
        }
    }

    private struct Shared: @unchecked Sendable {
        let x: UnsafeMutablePointer<Float>
        let y: UnsafeMutablePointer<Float>
        let gram: [Float]
        let rows: ConfidenceRows
    }

    /// YᵀY + λI.
    private func gram(_ y: [Float]) -> [Float] {
        var gram = MatrixFactorizationPlugin.gram(y, factors: factors)
        for a in 0..<factors { gram[a * factors + a] += regularization }
        return gram
    }

    @inline(__always)
    private func solveRow(_ row: Int, _ shared: Shared, scratch: UnsafeMutablePointer<Float>) {
        let k = factors
        let x = shared.x + row * k
        let r = scratch
        let p = scratch + k
        let ap = scratch + 2 * k
        let range = shared.rows.offsets[row]..<shared.rows.offsets[row + 1]
        let y = UnsafePointer(shared.y)
        shared.gram.withUnsafeBufferPointer { gBuffer in
            shared.rows.columns.withUnsafeBufferPointer { columns in
                shared.rows.confidences.withUnsafeBufferPointer { confidences in
                    let g = gBuffer.baseAddress!
                    // r = b − A·x
                    for a in 0..<k { r[a] = -Vector.dot(g + a * k, x, k) }
                    for entry in range {
                        let yi = y + Int(columns[entry]) * k
                        let c = confidences[entry]
                        Vector.axpy(c - (c - 1) * Vector.dot(yi, x, k), yi, r, k)
                    }
                    p.update(from: r, count: k)
                    var rsOld = Vector.dot(r, r, k)
                    for _ in 0..<steps {
                        if rsOld < 1e-20 { break }
                        for a in 0..<k { ap[a] = Vector.dot(g + a * k, p, k) }
                        for entry in range {
                            let yi = y + Int(columns[entry]) * k
                            Vector.axpy(
                                (confidences[entry] - 1) * Vector.dot(yi, p, k), yi, ap, k)
                        }
                        let pAp = Vector.dot(p, ap, k)
                        if !(pAp > 0) { break }
                        let step = rsOld / pAp
                        Vector.axpy(step, p, x, k)
                        Vector.axpy(-step, ap, r, k)
                        let rsNew = Vector.dot(r, r, k)
                        let beta = rsNew / rsOld
                        for a in 0..<k { p[a] = r[a] + beta * p[a] }
                        rsOld = rsNew
                    }
                }
            }
        }
    }
}

/// YᵀY for the rows of `y` (rows × `factors`), as a factors × factors matrix.
///
/// - Complexity: O(rows · factors²).
func gram(_ y: [Float], factors k: Int) -> [Float] {
    var gram = [Float](repeating: 0, count: k * k)
    y.withUnsafeBufferPointer { y in
        gram.withUnsafeMutableBufferPointer { g in
            for row in 0..<y.count / k {
                let v = y.baseAddress! + row * k
                for a in 0..<k { Vector.axpy(v[a], v, g.baseAddress! + a * k, k) }
            }
        }
    }
    return gram
}
