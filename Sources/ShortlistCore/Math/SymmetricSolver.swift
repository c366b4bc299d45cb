/// The Cholesky factor L (A = L·Lᵀ) of a symmetric positive definite n × n matrix, kept to
/// solve A·x = b for many right-hand sides at O(n²) each: explaining a list of items against
/// one user's least-squares system factors it once.
public struct Cholesky: Sendable {
    private var l: [Double]
    /// The matrix's order n.
    public let size: Int

    /// Factors `matrix` (row-major n × n; only its lower triangle is read); nil when it is not
    /// positive definite.
    ///
    /// - Complexity: O(n³ / 3).
    public init?(_ matrix: [Double], size n: Int) {
        var l = [Double](repeating: 0, count: n * n)
        let positive = l.withUnsafeMutableBufferPointer { l in
            matrix.withUnsafeBufferPointer { a in
                for i in 0..<n {
                    for j in 0...i {
                        var sum = a[i * n + j]
                        for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                        if i == j {
                            guard sum > 0 else { return false }
                            l[i * n + i] = sum.squareRoot()
                        } else {
                            l[i * n + j] = sum / l[j * n + j]
                        }
                    }
                }
                return true
            }
        }
        guard positive else { return nil }
        self.l = l
        size = n
    }

    /// x with A·x = `rhs`.
    ///
    /// - Complexity: O(n²).
    public func solve(_ rhs: [Double]) -> [Double] {
        let n = size
        var y = rhs
        l.withUnsafeBufferPointer { l in
            for i in 0..<n {
                for k in 0..<i { y[i] -= l[i * n + k] * y[k] }
                y[i] /= l[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
                for k in (i + 1)..<n { y[i] -= l[k * n + i] * y[k] }
                y[i] /= l[i * n + i]
            }
        }
        return y
    }
}

/// Solves A·x = b for a symmetric positive definite n × n matrix A (row-major; only its lower
/// triangle is read) by Cholesky factorisation.
///
/// Used for small systems (factors × factors) such as explaining one score; returns nil when A
/// is not positive definite.
///
/// - Complexity: O(n³) for n × n.
public func solveSymmetric(_ matrix: [Double], _ rhs: [Double], size n: Int) -> [Double]? {
    Cholesky(matrix, size: n)?.solve(rhs)
}
