import Foundation

/// What the feedback so far says about one arm: how often it was chosen and the rewards it
/// earned (each in [0, 1]; a click is 1, a skip 0).
public struct ArmState: Sendable, Equatable, Codable {
    /// Times the arm was chosen (a request in per-request mode, a slot in per-slot mode).
    public var pulls: Int
    /// The sum of the rewards it earned.
    public var rewards: Double

    /// An arm's state.
    public init(pulls: Int = 0, rewards: Double = 0) {
        self.pulls = pulls
        self.rewards = rewards
    }

    /// Rewards counted as successes, and the rest of the pulls as failures (a reward of 0.3
    /// counts 0.3 and 0.7).
    public var successes: Double { rewards }
    public var failures: Double { max(Double(pulls) - rewards, 0) }

    /// The observed reward rate, or nil before the first pull.
    public var rate: Double? { pulls > 0 ? rewards / Double(pulls) : nil }

    /// The Beta posterior of the reward rate from a Beta(α, β) prior.
    public func posterior(prior: BetaPrior) -> BetaDistribution {
        BetaDistribution(alpha: prior.alpha + successes, beta: prior.beta + failures)
    }
}

/// The Beta prior of every arm's reward rate: α − 1 prior successes, β − 1 prior failures.
public struct BetaPrior: Sendable, Equatable {
    public var alpha: Double
    public var beta: Double

    /// A prior; both parameters must be positive.
    public init(alpha: Double = 1, beta: Double = 1) {
        precondition(alpha > 0 && beta > 0, "Beta parameters must be positive")
        self.alpha = alpha
        self.beta = beta
    }
}

// The Beta and Gamma samplers stay in this file with the arm state: in files of their own, the
// optimizer stopped inlining the standard library's `Double.random(in:using:)` into
// `GammaSampler.next`, which costs every bandit request about 3 µs (shortlist-latency, ab).

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

/// Draws from one Beta distribution as X / (X + Y) with X ~ Gamma(α) and Y ~ Gamma(β): the
/// constants of each Gamma computed once, for Thompson sampling's many draws.
public struct BetaSampler: Sendable {
    private let distribution: BetaDistribution
    private var x: GammaSampler
    private var y: GammaSampler

    public init(_ distribution: BetaDistribution) {
        self.distribution = distribution
        x = GammaSampler(shape: distribution.alpha)
        y = GammaSampler(shape: distribution.beta)
    }

    public mutating func next(using random: inout SeededGenerator) -> Double {
        let x = x.next(using: &random)
        let y = y.next(using: &random)
        return x + y > 0 ? x / (x + y) : distribution.mean
    }
}

/// Draws from Gamma(shape, 1) by Marsaglia & Tsang (2000), shapes below 1 through
/// Gamma(shape + 1) · U^(1/shape). Standard normals come from Marsaglia's polar method (no
/// trigonometry), two at a time: the second is kept for the next draw.
struct GammaSampler: Sendable {
    private let d: Double
    private let c: Double
    /// 1 / shape for a shape below 1, else nil.
    private let boost: Double?
    private var spare: Double?

    init(shape: Double) {
        boost = shape < 1 ? 1 / shape : nil
        d = (shape < 1 ? shape + 1 : shape) - 1.0 / 3
        c = 1 / (9 * d).squareRoot()
    }

    mutating func next(using random: inout SeededGenerator) -> Double {
        while true {
            let x = normal(using: &random)
            var v = 1 + c * x
            guard v > 0 else { continue }
            v = v * v * v
            let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
            if u < 1 - 0.0331 * x * x * x * x
                || Foundation.log(u) < 0.5 * x * x + d * (1 - v + Foundation.log(v))
            {
                guard let boost else { return d * v }
                return d * v
                    * Foundation.pow(
                        Double.random(in: Double.ulpOfOne..<1, using: &random), boost)
            }
        }
    }

    private mutating func normal(using random: inout SeededGenerator) -> Double {
        if let spare {
            self.spare = nil
            return spare
        }
        while true {
            let u = Double.random(in: -1..<1, using: &random)
            let v = Double.random(in: -1..<1, using: &random)
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let scale = (-2 * Foundation.log(s) / s).squareRoot()
                spare = v * scale
                return u * scale
            }
        }
    }
}
