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

    /// Applies a gradient to one row.
    ///
    /// - Complexity: O(dimensions).
    public mutating func update(row: Int, gradient: Matrix.Row) {
        let d = dimensions
        let offset = row * d
        let rate = learningRate
        switch optimizer {
        case .adagrad:
            values.withUnsafeMutableBufferPointer { w in
                first.withUnsafeMutableBufferPointer { g2 in
                    for f in 0..<d {
                        let g = gradient[f]
                        g2[offset + f] += g * g
                        w[offset + f] -= rate * g / (g2[offset + f].squareRoot() + 1e-8)
                    }
                }
            }
        case .adam:
            let t = max(step, 1)
            let correction1 = 1 - pow(0.9, t)
            let correction2 = 1 - pow(0.999, t)
            values.withUnsafeMutableBufferPointer { w in
                first.withUnsafeMutableBufferPointer { m in
                    second.withUnsafeMutableBufferPointer { v in
                        for f in 0..<d {
                            let g = gradient[f]
                            m[offset + f] = 0.9 * m[offset + f] + 0.1 * g
                            v[offset + f] = 0.999 * v[offset + f] + 0.001 * g * g
                            w[offset + f] -=
                                rate * (m[offset + f] / correction1)
                                / ((v[offset + f] / correction2).squareRoot() + 1e-8)
                        }
                    }
                }
            }
        }
    }
}
