import Foundation

/// How an ``EmbeddingTable`` turns gradients into updates.
public enum OptimizerKind: String, Sendable, CaseIterable, ParameterChoice {
    /// Adam (Kingma & Ba 2015), updated lazily: only rows with a gradient move, with bias
    /// correction by the table's global step.
    case adam
    /// Adagrad (Duchi, Hazan & Singer 2011): step size shrinks with each row-coordinate's squared gradients.
    case adagrad
}

/// Rows of trainable vectors in one flat buffer, with per-coordinate optimiser state.
public struct EmbeddingTable: Sendable {
    /// The number of rows.
    public let rows: Int
    /// The length of each row.
    public let dimensions: Int
    /// The values, row-major.
    public private(set) var values: [Float]
    private var first: [Float]
    private var second: [Float]
    private let optimizer: OptimizerKind
    private let learningRate: Float
    private var step: Float = 0
    /// Adam's bias corrections 1 − 0.9ᵗ and 1 − 0.999ᵗ, and the step they are for: computed by
    /// the first update after each step instead of by every update.
    private var corrections: (step: Float, first: Float, second: Float) = (-1, 0, 0)

    /// A table of `rows` rows drawn from N(0, std²) with the seeded generator.
    public init(
        rows: Int, dimensions: Int, std: Double, optimizer: OptimizerKind, learningRate: Double,
        random: inout SeededGenerator
    ) {
        self.rows = rows
        self.dimensions = dimensions
        self.optimizer = optimizer
        self.learningRate = Float(learningRate)
        let values = random.normals(count: rows * dimensions, std: std)
        self.values = values
        first = [Float](repeating: 0, count: values.count)
        second = optimizer == .adam ? [Float](repeating: 0, count: values.count) : []
    }

    /// A table holding `values` (`rows × dimensions`, row-major) as they are.
    public init(
        values: [Float], rows: Int, dimensions: Int, optimizer: OptimizerKind,
        learningRate: Double
    ) {
        precondition(values.count == rows * dimensions, "values must fill rows × dimensions")
        self.rows = rows
        self.dimensions = dimensions
        self.optimizer = optimizer
        self.learningRate = Float(learningRate)
        self.values = values
        first = [Float](repeating: 0, count: values.count)
        second = optimizer == .adam ? [Float](repeating: 0, count: values.count) : []
    }

    /// Counts one optimisation step (Adam's bias correction uses it).
    public mutating func advance() { step += 1 }

    /// Adds row `row` into `target` scaled by `scale`.
    @inlinable
    public func add(row: Int, scale: Float = 1, into target: Matrix.MutableRow) {
        values.withRows(width: dimensions) { Vector.axpy(scale, $0[row], target) }
    }

    /// Applies a gradient (of ``dimensions`` values) to one row.
    public mutating func update(row: Int, gradient: [Float]) {
        gradient.withRow { update(row: row, gradient: $0) }
    }

    /// Applies a gradient to one row: 16 coordinates at a time, each computed as the
    /// one-coordinate formula computes it (so with the same result), then the rest one by one.
    ///
    /// - Complexity: O(dimensions).
    public mutating func update(row: Int, gradient: Matrix.Row) {
        let d = dimensions
        precondition(row >= 0 && row < rows && gradient.count == d, "a gradient of one row")
        let offset = row * d
        let rate = learningRate
        let g = gradient.base
        switch optimizer {
        case .adagrad:
            values.withUnsafeMutableBufferPointer { w in
                first.withUnsafeMutableBufferPointer { g2 in
                    let (w, g2) = (w.baseAddress! + offset, g2.baseAddress! + offset)
                    var f = 0
                    while f &+ 16 <= d {
                        let gv = Vector.load16(g + f)
                        let sum = Vector.load16(UnsafePointer(g2 + f)) + gv * gv
                        Vector.store16(sum, g2 + f)
                        let step = rate * gv / (Vector.squareRoot(sum) + 1e-8)
                        Vector.store16(Vector.load16(UnsafePointer(w + f)) - step, w + f)
                        f &+= 16
                    }
                    while f < d {
                        g2[f] += g[f] * g[f]
                        w[f] -= rate * g[f] / (g2[f].squareRoot() + 1e-8)
                        f &+= 1
                    }
                }
            }
        case .adam:
            if corrections.step != step {
                let t = max(step, 1)
                corrections = (step, 1 - pow(0.9, t), 1 - pow(0.999, t))
            }
            let (correction1, correction2) = (corrections.first, corrections.second)
            values.withUnsafeMutableBufferPointer { w in
                first.withUnsafeMutableBufferPointer { m in
                    second.withUnsafeMutableBufferPointer { v in
                        let w = w.baseAddress! + offset
                        let (m, v) = (m.baseAddress! + offset, v.baseAddress! + offset)
                        var f = 0
                        while f &+ 16 <= d {
                            let gv = Vector.load16(g + f)
                            let mv = 0.9 * Vector.load16(UnsafePointer(m + f)) + 0.1 * gv
                            let vv =
                                0.999 * Vector.load16(UnsafePointer(v + f)) + 0.001 * gv * gv
                            Vector.store16(mv, m + f)
                            Vector.store16(vv, v + f)
                            let step =
                                rate * (mv / correction1)
                                / (Vector.squareRoot(vv / correction2) + 1e-8)
                            Vector.store16(Vector.load16(UnsafePointer(w + f)) - step, w + f)
                            f &+= 16
                        }
                        while f < d {
                            m[f] = 0.9 * m[f] + 0.1 * g[f]
                            v[f] = 0.999 * v[f] + 0.001 * g[f] * g[f]
                            w[f] -=
                                rate * (m[f] / correction1)
                                / ((v[f] / correction2).squareRoot() + 1e-8)
                            f &+= 1
                        }
                    }
                }
            }
        }
    }
}
