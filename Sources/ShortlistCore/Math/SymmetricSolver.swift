/// Solves A·x = b for a symmetric positive definite A by Cholesky factorisation, in Double.
///
/// Used for small systems (factors × factors) such as explaining one score; returns nil when A
/// is not positive definite.
///
/// - Complexity: O(n³) for n × n.
public func solveSymmetric(_ matrix: [Double], _ rhs: [Double], size n: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
        for j in 0...i {
            var sum = matrix[i * n + j]
            for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
            if i == j {
                guard sum > 0 else { return nil }
                l[i * n + i] = sum.squareRoot()
            } else {
                l[i * n + j] = sum / l[j * n + j]
            }
        }
    }
    var y = rhs
    for i in 0..<n {
        for k in 0..<i { y[i] -= l[i * n + k] * y[k] }
        y[i] /= l[i * n + i]
    }
    for i in stride(from: n - 1, through: 0, by: -1) {
        for k in (i + 1)..<n { y[i] -= l[k * n + i] * y[k] }
        y[i] /= l[i * n + i]
    }
    return y
}
