import Foundation

/// A Beta(α, β) distribution: its mean, a seeded draw, and central intervals.
public struct BetaDistribution: Sendable, Equatable {
    public var alpha: Double
    public var beta: Double

    /// Beta(α, β); both must be positive.
    public init(alpha: Double, beta: Double) {
        precondition(alpha > 0 && beta > 0, "Beta parameters must be positive")
        self.alpha = alpha
        self.beta = beta
    }

    /// α / (α + β).
    public var mean: Double { alpha / (alpha + beta) }

    /// One draw (``BetaSampler``).
    public func sample(using random: inout SeededGenerator) -> Double {
        var sampler = BetaSampler(self)
        return sampler.next(using: &random)
    }

    /// The central interval holding `level` of the probability (0.95: the 2.5% and 97.5%
    /// quantiles), found by bisection on the regularised incomplete beta function.
    public func interval(_ level: Double = 0.95) -> ClosedRange<Double> {
        let tail = (1 - level) / 2
        return quantile(tail)...quantile(1 - tail)
    }

    /// The value below which a share `p` of the probability lies.
    ///
    /// - Complexity: 60 bisection steps of a continued fraction.
    public func quantile(_ p: Double) -> Double {
        var low = 0.0
        var high = 1.0
        for _ in 0..<60 {
            let middle = (low + high) / 2
            if IncompleteBeta.regularized(middle, alpha, beta) < p {
                low = middle
            } else {
                high = middle
            }
        }
        return (low + high) / 2
    }
}

/// The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz's
/// method, as in Press et al., Numerical Recipes §6.4).
enum IncompleteBeta {
    static func regularized(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * Foundation.log(x) + b * Foundation.log(1 - x)
        let front = exp(logBeta + logPowers)
        if x < (a + 1) / (a + b + 2) {
            return front * fraction(x, a, b) / a
        }
        return 1 - front * fraction(1 - x, b, a) / b
    }

    private static func fraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...300 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            result *= step
            if abs(step - 1) < 1e-14 { break }
        }
        return result
    }
}
