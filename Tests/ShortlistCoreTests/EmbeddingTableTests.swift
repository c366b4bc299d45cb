import Foundation
import ShortlistTestSupport
import Testing

@testable import ShortlistCore

/// The optimisers' row updates, 16 coordinates at a time, against the one-coordinate formulas
/// written out here, to the bit.
@Suite struct EmbeddingTableTests {
    let dimensions = 37

    func table(_ optimizer: OptimizerKind) -> EmbeddingTable {
        var random = SeededGenerator(seed: 11)
        return EmbeddingTable(
            rows: 3, dimensions: dimensions, std: 0.5, optimizer: optimizer, learningRate: 0.05,
            random: &random)
    }

    func gradients(_ count: Int) -> [[Float]] {
        var random = SeededGenerator(seed: 12)
        return (0..<count).map { _ in random.normals(count: dimensions, std: 1) }
    }

    @Test func adamUpdatesEveryCoordinateAsItsFormulaDoes() {
        var table = table(.adam)
        var (w, m, v) = (
            Array(table.values[37..<74]), [Float](repeating: 0, count: 37),
            [Float](repeating: 0, count: 37)
        )
        for (step, gradient) in gradients(5).enumerated() {
            table.advance()
            table.update(row: 1, gradient: gradient)
            let t = Float(step + 1)
            let (c1, c2) = (1 - pow(Float(0.9), t), 1 - pow(Float(0.999), t))
            for f in 0..<dimensions {
                let g = gradient[f]
                m[f] = 0.9 * m[f] + 0.1 * g
                v[f] = 0.999 * v[f] + 0.001 * g * g
                w[f] -= Float(0.05) * (m[f] / c1) / ((v[f] / c2).squareRoot() + 1e-8)
            }
            #expect(table.values[37..<74].map(\.bitPattern) == w.map(\.bitPattern), "step \(t)")
        }
        #expect(table.values[0..<37] == self.table(.adam).values[0..<37])
    }

    @Test func adagradUpdatesEveryCoordinateAsItsFormulaDoes() {
        var table = table(.adagrad)
        var (w, sum) = (Array(table.values[74..<111]), [Float](repeating: 0, count: 37))
        for gradient in gradients(4) {
            table.update(row: 2, gradient: gradient)
            for f in 0..<dimensions {
                sum[f] += gradient[f] * gradient[f]
                w[f] -= Float(0.05) * gradient[f] / (sum[f].squareRoot() + 1e-8)
            }
            #expect(table.values[74..<111].map(\.bitPattern) == w.map(\.bitPattern))
        }
    }

    @Test func theLaneSquareRootIsEachLanesSquareRoot() {
        var random = SeededGenerator(seed: 13)
        let lanes = random.normals(count: 16, std: 10).map { abs($0) }
        let v = SIMD16<Float>(lanes)
        let roots = Vector.squareRoot(v)
        #expect((0..<16).map { roots[$0].bitPattern } == lanes.map { $0.squareRoot().bitPattern })
        #expect(Vector.squareRoot(SIMD16(repeating: -1))[3].isNaN)
    }
}
