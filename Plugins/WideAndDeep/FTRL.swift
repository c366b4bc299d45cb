import Foundation

/// FTRL-Proximal (McMahan et al. 2013): per-coordinate adaptive steps with L1 and L2, so
/// features that never help keep a weight of exactly 0.
struct FTRL {
    let alpha: Double
    let beta: Double
    let l1: Double
    let l2: Double
    private var z: [Double]
    private var n: [Double]
    private(set) var weights: [Float]

    init(count: Int, alpha: Double, beta: Double, l1: Double, l2: Double) {
        self.alpha = alpha
        self.beta = beta
        self.l1 = l1
        self.l2 = l2
        z = [Double](repeating: 0, count: count)
        n = z
        weights = [Float](repeating: 0, count: count)
    }

    /// Applies gradient `g` to coordinate `i`.
    mutating func update(_ i: Int, _ g: Double) {
        let sigma = ((n[i] + g * g).squareRoot() - n[i].squareRoot()) / alpha
        z[i] += g - sigma * Double(weights[i])
        n[i] += g * g
        weights[i] =
            abs(z[i]) <= l1
            ? 0
            : Float(-(z[i] - (z[i] < 0 ? -l1 : l1)) / ((beta + n[i].squareRoot()) / alpha + l2))
    }
}

/// Gradient sums over a sparse set of rows: dense storage, with the rows touched listed so
/// that clearing and merging cost what was touched.
struct SparseGradients {
    let width: Int
    var values: [Double]
    var isTouched: [Bool]
    var touched: [Int] = []

    init(rows: Int, width: Int) {
        self.width = width
        values = [Double](repeating: 0, count: rows * width)
        isTouched = [Bool](repeating: false, count: rows)
    }

    mutating func add(_ row: Int, _ offset: Int, _ value: Double) {
        if !isTouched[row] {
            isTouched[row] = true
            touched.append(row)
        }
        values[row * width + offset] += value
    }

    /// Adds another shard's sums, row by row.
    mutating func add(_ other: SparseGradients) {
        for row in other.touched {
            for offset in 0..<width { add(row, offset, other.values[row * width + offset]) }
        }
    }

    mutating func clear() {
        for row in touched {
            isTouched[row] = false
            for offset in 0..<width { values[row * width + offset] = 0 }
        }
        touched.removeAll(keepingCapacity: true)
    }
}
