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
        // The fixed side's rows, each starting on a cache line (an array's elements start 32
        // bytes into their allocation, so every row of 64 floats would span five lines), in
        // huge pages where the system offers them: rows are read in random order, and with
        // 4 KiB pages most reads of a large side also miss the TLB.
        let hugePage = 2 << 20
        let bytes =
            (max(fixed.count, 1) * MemoryLayout<Float>.stride + hugePage - 1) / hugePage
            * hugePage
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: hugePage)
        #if os(Linux)
            madvise(raw, bytes, MADV_HUGEPAGE)
        #endif
        let y = raw.bindMemory(to: Float.self, capacity: max(fixed.count, 1))
        defer { y.deallocate() }
        fixed.withUnsafeBufferPointer { y.update(from: $0.baseAddress!, count: fixed.count) }
        let chunk = 32
        let chunks = (rowCount + chunk - 1) / chunk
        var partials = [Double](repeating: 0, count: chunks)
        target.withUnsafeMutableBufferPointer { x in
            partials.withUnsafeMutableBufferPointer { partials in
                let shared = Shared(
                    x: x.baseAddress!, y: y, gram: gram, rows: rows, partials: partials.baseAddress!
                )
                let workers = min(
                    chunks, threads > 0 ? threads : Cores.available)
                // Chunks are handed out one at a time: rows differ in length by orders of
                // magnitude (a popular item's against a rare one's), so a fixed share per
                // thread would leave one thread waiting on the other.
                let next = ChunkCounter()
                let work: @Sendable (Int) -> Void = { _ in
                    var scratch = [Float](repeating: 0, count: 3 * k)
                    scratch.withUnsafeMutableBufferPointer { buffer in
                        while let index = next.take(below: chunks) {
                            var error = 0.0
                            for row in index * chunk..<min(rowCount, (index + 1) * chunk) {
                                error += solveRow(
                                    row, shared, measuring: measuring,
                                    scratch: buffer.baseAddress!)
                            }
                            shared.partials[index] = error
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
        return partials.reduce(0, +)
    }

    /// λ(‖X‖² + ‖Y‖²), the rest of the weighted squared error.
    func penalty(_ x: [Float], _ y: [Float]) -> Double {
        let norms =
            x.withUnsafeBufferPointer { Vector.dot($0.baseAddress!, $0.baseAddress!, x.count) }
            + y.withUnsafeBufferPointer { Vector.dot($0.baseAddress!, $0.baseAddress!, y.count) }
        return Double(regularization) * Double(norms)
    }

    private struct Shared: @unchecked Sendable {
        let x: UnsafeMutablePointer<Float>
        let y: UnsafeMutablePointer<Float>
        let gram: [Float]
        let rows: ConfidenceRows
        let partials: UnsafeMutablePointer<Double>
    }

    /// YᵀY + λI.
    private func gram(_ y: [Float]) -> [Float] {
        var gram = MatrixFactorizationPlugin.gram(y, factors: factors)
        for a in 0..<factors { gram[a * factors + a] += regularization }
        return gram
    }

    @inline(__always)
    private func solveRow(
        _ row: Int, _ shared: Shared, measuring: Bool, scratch: UnsafeMutablePointer<Float>
    ) -> Double {
        let k = factors
        let x = shared.x + row * k
        let r = scratch
        let p = scratch + k
        let ap = scratch + 2 * k
        let range = shared.rows.offsets[row]..<shared.rows.offsets[row + 1]
        let y = UnsafePointer(shared.y)
        var error = 0.0
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
                    // The row's error terms: xᵀ(YᵀY)x = xᵀ(YᵀY + λI)x − λ‖x‖².
                    guard measuring else { return }
                    for a in 0..<k { ap[a] = Vector.dot(g + a * k, x, k) }
                    error =
                        Double(Vector.dot(ap, x, k))
                        - Double(regularization) * Double(Vector.dot(x, x, k))
                    for entry in range {
                        let s = Double(Vector.dot(y + Int(columns[entry]) * k, x, k))
                        let c = Double(confidences[entry])
                        error += c * (1 - s) * (1 - s) - s * s
                    }
                }
            }
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
